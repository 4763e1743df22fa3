-- 0018: the rules of registration live once, in Go, for both databases
-- (internal/store/cases.go, incidents.go, inbound.go, complainants.go);
-- the functions that held them here, or served a second path of
-- registration on PostgreSQL, go. What stays of jiesu's own is the guards
-- that only refuse: case_events_append_only and outbox_events_append_only
-- (0017 dropped the due times' trigger).
--
-- A day's case numbers come from its counter row in case_sequences again,
-- as on SQLite: the row stays locked until the registration commits, so a
-- case committed later never carries a smaller number of the same day,
-- whichever replica registers it. The sequences of 0005 and 0008 handed
-- numbers out in blocks per replica, which interleaved them. Each day's
-- counter continues after the highest number its sequence handed out, or
-- its cases carry (its sequence may have been dropped), so that no number
-- is handed out twice.

INSERT INTO case_sequences (day, last)
SELECT substr(sequencename, length('jiesu_case_number_') + 1), last_value
FROM pg_sequences
WHERE schemaname = current_schema() AND sequencename ~ '^jiesu_case_number_[0-9]{8}$'
  AND last_value IS NOT NULL
ON CONFLICT (day) DO UPDATE SET last = GREATEST(case_sequences.last, excluded.last);

INSERT INTO case_sequences (day, last)
SELECT substr(number, 3, 8), max(split_part(number, '-', 2)::integer)
FROM cases
WHERE number ~ '^JS[0-9]{8}-[0-9]+$'
GROUP BY 1
ON CONFLICT (day) DO UPDATE SET last = GREATEST(case_sequences.last, excluded.last);

DO $$
DECLARE
    seq text;
BEGIN
    FOR seq IN SELECT c.relname FROM pg_class c
        WHERE c.relkind = 'S' AND c.relnamespace = to_regnamespace(quote_ident(current_schema()))
          AND c.relname ~ '^jiesu_case_number_[0-9]{8}$'
    LOOP
        EXECUTE format('DROP SEQUENCE %I.%I', current_schema(), seq);
    END LOOP;
END
$$;

DROP FUNCTION jiesu_next_case_number(text);
DROP FUNCTION jiesu_drop_case_number_sequences(text, integer);
DROP FUNCTION jiesu_company_guard(bigint[], text[], text[], text[], text[], timestamptz[]);
DROP FUNCTION jiesu_has_company(text, text, text, text, timestamptz);
DROP FUNCTION jiesu_key_lock(text);
DROP FUNCTION jiesu_refuse(text, text);
DROP FUNCTION jiesu_claim_inbound(text, text, timestamptz, timestamptz);
DROP FUNCTION jiesu_finish_inbound(text, text, text);
DROP FUNCTION jiesu_touch_complainant(text, text, timestamptz);
DROP FUNCTION jiesu_ask_contact(text, text, timestamptz);
