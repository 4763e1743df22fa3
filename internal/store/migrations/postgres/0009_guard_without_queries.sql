-- 0009: the company guard (0007) runs no query of its own, only a call of
-- jiesu_has_company per case. Its two queries, the keys in byte order and
-- the cases with company, each cost an executor start, a snapshot and a
-- check of the cached plan on every registration: about 100 µs of the
-- database's time for a case registered alone, more than the case's own
-- INSERT. The caller now gives the cases sorted by key in the byte order
-- of UTF-8 (create_postgres.go, companyGuard), so the locks are taken in
-- one loop over the array, in the order 0007 took them on a UTF-8
-- database, whatever the server's encoding.
--
-- VOLATILE, as 0007's, and it must stay so: a volatile function evaluates
-- each jiesu_has_company call with a fresh snapshot, taken after the locks
-- above it; a stable one would check company with the snapshot of the
-- statement that called it, taken before, and could miss an incident whose
-- opening it waited for.
CREATE OR REPLACE FUNCTION jiesu_company_guard(p_ids bigint[], p_keys text[], p_units text[], p_categories text[],
    p_places text[], p_since timestamptz[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    k text;
    prev text;
    refused text;
BEGIN
    FOREACH k IN ARRAY p_keys LOOP
        IF convert_to(k, 'UTF8') < convert_to(prev, 'UTF8') THEN
            -- Two guards taking their keys in different orders could wait
            -- on each other through an incident's exclusive request.
            RAISE EXCEPTION 'company guard: keys not in byte order (% after %)', k, prev;
        END IF;
        IF k IS DISTINCT FROM prev THEN
            PERFORM pg_advisory_xact_lock_shared(jiesu_key_lock(k));
            prev := k;
        END IF;
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
        IF jiesu_has_company(p_keys[i], p_units[i], p_categories[i], p_places[i], p_since[i]) THEN
            refused := concat_ws(' ', refused, p_ids[i]::text);
        END IF;
    END LOOP;
    IF refused IS NOT NULL THEN
        PERFORM jiesu_refuse('JS001', refused);
    END IF;
END
$$;
