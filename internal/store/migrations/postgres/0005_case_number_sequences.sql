-- 0005: a day's case numbers come from a sequence of that day instead of a
-- counter row. The row had to be locked by every registration until its
-- transaction ended; under load that lock was held across WAL writes and
-- registrations queued behind it. A sequence hands out numbers without a
-- lock, and never the same one twice, even after a crash: PostgreSQL logs
-- sequences ahead of the values it gives, and a case's commit flushes the
-- WAL before it, so the sequence behind a durable case is durable too.
-- Numbers may skip (a failed registration has used its number), as before.
--
-- The sequence jiesu_case_number_YYYYMMDD is made, in the schema of the
-- cases, by the first registration of the day, under an advisory lock so
-- that two first registrations do not both make it; on the day this
-- migration runs it continues the counter. case_sequences stays for that.
-- The role that registers cases must be allowed to create sequences in
-- that schema (it runs the migrations, so it is), and one sequence a day
-- accumulates: 365 small objects a year.
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
    -- Qualified: the sequence lives beside the cases it numbers, never one
    -- of the same name elsewhere on the search path.
    name := quote_ident(current_schema()) || '.' || quote_ident('jiesu_case_number_' || p_day);
    seq := to_regclass(name);
    IF seq IS NULL THEN
        -- Keyed by schema too, so that schemas (tests, tenants) never wait
        -- for each other's first registration of a day.
        PERFORM pg_advisory_xact_lock(hashtext(name));
        -- FOR UPDATE: on the day this migration runs, wait for a number the
        -- old counter is handing out right now.
        SELECT last + 1 INTO start FROM case_sequences WHERE day = p_day FOR UPDATE;
        -- IF NOT EXISTS, not a second to_regclass: a session that waited on
        -- the advisory lock may still see its cached "no such relation",
        -- since an advisory lock does not refresh the catalog cache; the
        -- lock CREATE takes does, and then it finds the winner's sequence.
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %s AS integer START WITH %s', name, COALESCE(start, 1));
        seq := to_regclass(name);
    END IF;
    RETURN nextval(seq);
END
$$;
