-- 0006: a statement can refuse, with a code of jiesu's own, to let its
-- transaction commit. Registration on PostgreSQL writes a case, its
-- events and its messages in one round trip, as one implicit
-- transaction; a guard in front of them refuses when the case has company
-- for an incident, which must be registered the careful way, and so none
-- of it is written. The SQLSTATE says why (see create_postgres.go), the
-- detail says which case.
CREATE OR REPLACE FUNCTION jiesu_refuse(p_code text, p_detail text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'jiesu refused: %', p_code USING ERRCODE = p_code, DETAIL = p_detail;
END
$$;
