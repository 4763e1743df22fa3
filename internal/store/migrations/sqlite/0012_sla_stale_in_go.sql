-- 0012: a case's sweep cursor (sla_next_at) is made stale by the store's
-- Go, in the very statement that bumps the case's version
-- (store.updateCase), no longer by the trigger of 0004; see the
-- PostgreSQL migration of the same name.
DROP TRIGGER cases_sla_stale;
