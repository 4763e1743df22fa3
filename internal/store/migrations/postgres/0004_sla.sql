-- 0004: the clockwork that chases deadlines. The SLA sweep's cursor on each
-- case, the record of every step it fired or skipped (so none is sent
-- twice), leases that keep one replica per scheduled job, and incidents:
-- open cases of one category and place grouped into one notice.

-- When the sweep must look at the case next: the earliest escalation step
-- not yet fired, NULL when none is left. A transition bumps the version and
-- the trigger below resets it to the distant past, so a moved deadline, a
-- return or a re-dispatch is seen at the next sweep without the transition
-- knowing anything of the sweep. New and existing cases start due.
ALTER TABLE cases ADD COLUMN sla_next_at timestamptz DEFAULT '0001-01-01 00:00:00+00';

-- The sweep reads only cases whose unit's clock runs, and only those due:
-- closed cases are never in this index.
CREATE INDEX cases_sla_due ON cases (sla_next_at)
    WHERE state IN ('dispatched', 'accepted', 'contacted', 'reopened');

CREATE FUNCTION cases_sla_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sla_next_at := '0001-01-01 00:00:00+00';
    RETURN NEW;
END
$$;
CREATE TRIGGER cases_sla_stale BEFORE UPDATE OF version ON cases
    FOR EACH ROW WHEN (NEW.version IS DISTINCT FROM OLD.version)
    EXECUTE FUNCTION cases_sla_stale();

-- One row per escalation step fired or skipped on a case's clock
-- (case/<id>/<dispatch>/<tier>/<at>/<if>), and per incident step and
-- recipient (incident/<id>/…): inserting the key is what claims the step,
-- so two replicas sweeping at once send it once.
CREATE TABLE sla_marks (
    key     text PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES cases (id),
    outcome text NOT NULL, -- sent, skipped
    at      timestamptz NOT NULL
);
CREATE INDEX sla_marks_case ON sla_marks (case_id);

-- Settings the sweep keeps for itself: the fingerprint of the escalation
-- policy it last evaluated the cases under.
CREATE TABLE sla_settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);

-- A scheduled job (sla, incidents, surveys) runs on one replica at a time:
-- the holder's lease lapses if it dies mid-run.
CREATE TABLE job_leases (
    job         text PRIMARY KEY,
    holder      text NOT NULL,
    lease_until timestamptz NOT NULL
);

CREATE TABLE incidents (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_key      text NOT NULL, -- lead unit, category and place
    lead_unit      text NOT NULL,
    category       text NOT NULL,
    place          text NOT NULL,
    opened_at      timestamptz NOT NULL,
    last_case_at   timestamptz NOT NULL, -- registration of the newest case: the window slides from here
    closed_at      timestamptz,          -- closed to new cases; its cases are still handled as one
    notified_count integer NOT NULL DEFAULT 0,
    notified_at    timestamptz,
    next_notice_at timestamptz           -- a notice of the running count is due then
);
CREATE UNIQUE INDEX incidents_open_key ON incidents (group_key) WHERE closed_at IS NULL;
CREATE INDEX incidents_notice_due ON incidents (next_notice_at) WHERE next_notice_at IS NOT NULL;

CREATE TABLE incident_cases (
    case_id     bigint PRIMARY KEY REFERENCES cases (id), -- a case is in one incident at most
    incident_id bigint NOT NULL REFERENCES incidents (id),
    added_at    timestamptz NOT NULL,
    added_by    text NOT NULL DEFAULT ''
);
CREATE INDEX incident_cases_incident ON incident_cases (incident_id, case_id);

-- Grouping looks for the recent open cases of one unit, category and place.
CREATE INDEX cases_group ON cases (lead_unit, category, place, registered_at)
    WHERE place <> '' AND state IN ('dispatched', 'accepted', 'contacted', 'reopened');
