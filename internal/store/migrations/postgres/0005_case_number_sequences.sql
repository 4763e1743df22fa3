-- 0005: a day's case numbers come from a sequence of that day instead of a
-- counter row. The row had to be locked by every registration until its
-- transaction ended; under load that lock was held across WAL writes and
-- registrations queued behind it. A sequence hands out numbers without a
-- lock, and never the same one twice, even after a crash: PostgreSQL logs
-- sequences ahead of the values it gives, and a case's commit flushes the
-- WAL before it, so the sequence behind a durable case is durable too.
-- Numbers may skip (a failed registration has used its number), as before.
--
-- The sequence jiesu_case_number_YYYYMMDD is made by the first registration
-- of the day, under an advisory lock so that two first registrations do not
-- both make it; on the day this migration runs it continues the counter.
-- case_sequences stays for that and for SQLite-era data.
CREATE OR REPLACE FUNCTION jiesu_next_case_number(p_day text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    seq regclass;
    name text;
    start bigint;
BEGIN
    -- The registration's first step writes nothing else that must survive a
    -- crash: let it commit without waiting for the disk.
    PERFORM set_config('synchronous_commit', 'off', true);
    IF p_day !~ '^[0-9]{8}$' THEN
        RAISE EXCEPTION 'case number day % is not YYYYMMDD', p_day;
    END IF;
    name := 'jiesu_case_number_' || p_day;
    seq := to_regclass(quote_ident(name));
    IF seq IS NULL THEN
        -- Keyed by schema too, so that schemas (tests, tenants) never wait
        -- for each other's first registration of a day.
        PERFORM pg_advisory_xact_lock(hashtext(current_schema() || '.' || name));
        SELECT COALESCE(MAX(last), 0) + 1 INTO start FROM case_sequences WHERE day = p_day;
        -- IF NOT EXISTS, not a second to_regclass: a session that waited on
        -- the advisory lock may still see its cached "no such relation",
        -- since an advisory lock does not refresh the catalog cache; the
        -- lock CREATE takes does, and then it finds the winner's sequence.
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS integer START WITH %s', name, start);
        seq := to_regclass(quote_ident(name));
    END IF;
    RETURN nextval(seq);
END
$$;
