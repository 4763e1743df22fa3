-- 0017: a case's sweep cursor (sla_next_at) is made stale by the store's
-- Go, in the very statement that bumps the case's version
-- (store.updateCase), no longer by the trigger of 0004: no rule of
-- jiesu's lives in the database. A binary older than this migration
-- counts on the trigger; it refuses this schema at start (ErrSchemaTooNew).
DROP TRIGGER cases_sla_stale ON cases;
DROP FUNCTION cases_sla_stale();
