-- 0007: the company guard of a registration (create_postgres.go) becomes
-- one call of a function whose plan is made once per connection.
--
-- As a statement of its own, the guard read its cases from arrays through
-- unnest. Given the arrays, the planner knows how many cases there are,
-- so a plan for the values at hand always looked cheaper than the generic
-- one, and PostgreSQL planned the guard again on every registration: half
-- a millisecond, about half of the database's work for a plain case.
-- plan_cache_mode on the function keeps the one generic plan; the guard's
-- subqueries are per-case index lookups, for which the values at hand
-- change nothing.

-- The advisory lock of an incident's group key: shared by a registration
-- that writes a case of the key on its own, exclusive for one that may
-- open the key's incident. Advisory locks are per database; the schema
-- keeps schemas (tests, tenants) apart.
CREATE OR REPLACE FUNCTION jiesu_key_lock(p_key text) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT hashtextextended('jiesu incident ' || current_schema() || ' ' || p_key, 0)
$$;

-- Whether a case of the group key (and of its unit, category and place)
-- registered now has company: an open incident of the key, or an open case
-- of it registered since p_since. A superset of what grouping joins. The
-- states are those in which a unit's clock runs (clockStatesSQL), as in
-- the predicate of cases_group.
CREATE OR REPLACE FUNCTION jiesu_has_company(p_key text, p_unit text, p_category text, p_place text, p_since timestamptz)
RETURNS boolean
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM incidents WHERE group_key = p_key AND closed_at IS NULL)
        OR EXISTS (SELECT 1 FROM cases WHERE lead_unit = p_unit AND category = p_category AND place = p_place
            AND place <> '' AND state IN ('dispatched', 'accepted', 'contacted', 'reopened')
            AND registered_at >= p_since);
END
$$;

-- The guard: takes the shared lock of each key, then refuses (SQLSTATE
-- JS001, which create_postgres.go's codeCompany must equal; the ids of the
-- cases with company in the detail) when any case has company, so that the
-- implicit transaction it heads writes nothing. Shared locks never wait for
-- each other, but one can queue behind an exclusive request (an incident
-- being opened); taking them in one order, byte order whatever the
-- database's collation, keeps two guards from waiting on each other through
-- such requests. Volatile, so that the company query's snapshot is taken
-- after the locks: a case written on its own is either seen by an incident
-- being opened, or sees it.
CREATE OR REPLACE FUNCTION jiesu_company_guard(p_ids bigint[], p_keys text[], p_units text[], p_categories text[],
    p_places text[], p_since timestamptz[]) RETURNS void
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    k text;
    refused text;
BEGIN
    FOR k IN SELECT DISTINCT u COLLATE "C" FROM unnest(p_keys) AS u ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock_shared(jiesu_key_lock(k));
    END LOOP;
    SELECT string_agg(c.id::text, ' ') INTO refused
        FROM unnest(p_ids, p_keys, p_units, p_categories, p_places, p_since) AS c (id, gkey, unit, category, place, since)
        WHERE jiesu_has_company(c.gkey, c.unit, c.category, c.place, c.since);
    IF refused IS NOT NULL THEN
        PERFORM jiesu_refuse('JS001', refused);
    END IF;
END
$$;
