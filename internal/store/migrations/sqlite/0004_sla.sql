-- 0004: the clockwork that chases deadlines; see the PostgreSQL migration
-- of the same number for the why of each part. Instants are TEXT in
-- store.sqliteTime; the distant past is year 1.

ALTER TABLE cases ADD COLUMN sla_next_at TEXT DEFAULT '0001-01-01T00:00:00.000000Z';

CREATE INDEX cases_sla_due ON cases (sla_next_at)
    WHERE state IN ('dispatched', 'accepted', 'contacted', 'reopened');

-- SQLite has no BEFORE trigger that can change NEW: the row is updated
-- again after. Recursive triggers are off, and the second update does not
-- touch version anyway.
CREATE TRIGGER cases_sla_stale AFTER UPDATE OF version ON cases
    FOR EACH ROW WHEN NEW.version IS NOT OLD.version
BEGIN
    UPDATE cases SET sla_next_at = '0001-01-01T00:00:00.000000Z' WHERE id = NEW.id;
END;

CREATE TABLE sla_marks (
    key     TEXT PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    outcome TEXT NOT NULL,
    at      TEXT NOT NULL
) STRICT;
CREATE INDEX sla_marks_case ON sla_marks (case_id);

CREATE TABLE sla_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE job_leases (
    job         TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    lease_until TEXT NOT NULL
) STRICT;

CREATE TABLE incidents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    group_key      TEXT NOT NULL,
    lead_unit      TEXT NOT NULL,
    category       TEXT NOT NULL,
    place          TEXT NOT NULL,
    opened_at      TEXT NOT NULL,
    last_case_at   TEXT NOT NULL,
    closed_at      TEXT,
    notified_count INTEGER NOT NULL DEFAULT 0,
    notified_at    TEXT,
    next_notice_at TEXT
) STRICT;
CREATE UNIQUE INDEX incidents_open_key ON incidents (group_key) WHERE closed_at IS NULL;
CREATE INDEX incidents_notice_due ON incidents (next_notice_at) WHERE next_notice_at IS NOT NULL;

CREATE TABLE incident_cases (
    case_id     INTEGER PRIMARY KEY REFERENCES cases (id),
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX incident_cases_incident ON incident_cases (incident_id, case_id);

CREATE INDEX cases_group ON cases (lead_unit, category, place, registered_at)
    WHERE place <> '' AND state IN ('dispatched', 'accepted', 'contacted', 'reopened');
