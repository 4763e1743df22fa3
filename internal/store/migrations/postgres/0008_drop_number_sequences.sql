-- 0008: the case number sequences of past days (0005) are dropped, so that
-- they no longer accumulate, one a day. The scheduler's case-numbers job
-- drops those of days before yesterday (Store.DropNumberSequences); a
-- registration is never that late, since its number is taken the moment it
-- is registered. Should one come all the same (a replica's clock a day or
-- more behind), its day's sequence is made again, and now starts after the
-- day's last written case, so no written case's number comes again. What
-- such a replica still holds of that day, taken ahead and not yet used,
-- could be handed out twice; the unique index on numbers then refuses the
-- second case, which registers again with a fresh number.

CREATE OR REPLACE FUNCTION jiesu_next_case_number(p_day text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    seq regclass;
    name text;
    start bigint;
    day_start timestamptz;
    day_end timestamptz;
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
        -- FOR UPDATE: on the day migration 0005 ran, wait for a number the
        -- old counter is handing out right now.
        SELECT last + 1 INTO start FROM case_sequences WHERE day = p_day FOR UPDATE;
        -- After the day's last case: its sequence may have been dropped.
        -- The day's cases by the registered_at index; a number's day is
        -- its registration's in Asia/Shanghai (cases.Number).
        -- Both ends in Shanghai time: a day added in the session's time zone
        -- could be 23 hours long.
        day_start := to_date(p_day, 'YYYYMMDD')::timestamp AT TIME ZONE 'Asia/Shanghai';
        day_end := (to_date(p_day, 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'Asia/Shanghai';
        SELECT GREATEST(start, max(split_part(number, '-', 2)::bigint) + 1) INTO start FROM cases
            WHERE registered_at >= day_start AND registered_at < day_end
              AND number LIKE 'JS' || p_day || '-%';
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

-- Drops at most p_limit of this schema's case number sequences of days
-- before p_before (YYYYMMDD), oldest first, and returns how many it
-- dropped; a caller with a backlog calls again. Each under the advisory
-- lock that making it takes, so that a sequence is never dropped while
-- being made, and counted only if it was still there: two replicas may
-- run this at once.
CREATE OR REPLACE FUNCTION jiesu_drop_case_number_sequences(p_before text, p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    seq text;
    qualified text;
    dropped integer := 0;
BEGIN
    IF p_before !~ '^[0-9]{8}$' THEN
        RAISE EXCEPTION 'case number day % is not YYYYMMDD', p_before;
    END IF;
    FOR seq IN SELECT c.relname FROM pg_class c
        WHERE c.relkind = 'S' AND c.relnamespace = to_regnamespace(quote_ident(current_schema()))
          AND c.relname ~ '^jiesu_case_number_[0-9]{8}$'
          AND substr(c.relname, length('jiesu_case_number_') + 1) < p_before
        ORDER BY c.relname
        LIMIT p_limit
    LOOP
        qualified := quote_ident(current_schema()) || '.' || quote_ident(seq);
        PERFORM pg_advisory_xact_lock(hashtext(qualified));
        IF to_regclass(qualified) IS NOT NULL THEN
            EXECUTE format('DROP SEQUENCE IF EXISTS %s', qualified);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    RETURN dropped;
END
$$;
