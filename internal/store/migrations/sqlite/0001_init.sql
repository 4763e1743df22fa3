-- 0001: cases with their co-unit assignments and events, the outbox, the
-- per-day case counter and API tokens. Instants are TEXT in one fixed-width
-- UTC format (store.sqliteTime) so that comparing strings orders them;
-- booleans are 0/1; JSON is TEXT.

CREATE TABLE cases (
    id                         INTEGER PRIMARY KEY AUTOINCREMENT,
    number                     TEXT NOT NULL UNIQUE,
    channel                    TEXT NOT NULL,
    channel_ref                TEXT NOT NULL DEFAULT '',
    idempotency_key            TEXT NOT NULL DEFAULT '',
    created_by                 TEXT NOT NULL DEFAULT '',
    complainant_identity       TEXT NOT NULL DEFAULT '',
    complainant_name_sealed    TEXT NOT NULL DEFAULT '',
    complainant_contact_sealed TEXT NOT NULL DEFAULT '',
    complainant_name_masked    TEXT NOT NULL DEFAULT '',
    complainant_contact_masked TEXT NOT NULL DEFAULT '',
    complainant_no_contact     INTEGER NOT NULL DEFAULT 0,
    content                    TEXT NOT NULL,
    place                      TEXT NOT NULL DEFAULT '',
    category                   TEXT NOT NULL DEFAULT '',
    tier                       TEXT NOT NULL,
    state                      TEXT NOT NULL,
    lead_unit                  TEXT NOT NULL DEFAULT '',
    first_handler              TEXT NOT NULL DEFAULT '',
    route_reasons              TEXT,
    registered_at              TEXT NOT NULL,
    dispatched_at              TEXT,
    accepted_at                TEXT,
    contacted_at               TEXT,
    resolved_at                TEXT,
    feedback_at                TEXT,
    rated_at                   TEXT,
    closed_at                  TEXT,
    updated_at                 TEXT NOT NULL,
    contact_by                 TEXT,
    resolve_by                 TEXT,
    ext_status                 TEXT,
    ext_until                  TEXT,
    ext_reason                 TEXT NOT NULL DEFAULT '',
    ext_requested_by           TEXT NOT NULL DEFAULT '',
    ext_requested_at           TEXT,
    ext_decided_by             TEXT NOT NULL DEFAULT '',
    ext_decided_at             TEXT,
    ext_note                   TEXT NOT NULL DEFAULT '',
    result                     TEXT NOT NULL DEFAULT '',
    report                     TEXT NOT NULL DEFAULT '',
    rating                     TEXT NOT NULL DEFAULT '',
    reopens                    INTEGER NOT NULL DEFAULT 0,
    merged_into                INTEGER REFERENCES cases (id),
    confidential               INTEGER NOT NULL DEFAULT 0,
    accuses_official           INTEGER NOT NULL DEFAULT 0,
    excl_reason                TEXT,
    excl_note                  TEXT NOT NULL DEFAULT '',
    excl_approved_by           TEXT NOT NULL DEFAULT '',
    excl_at                    TEXT,
    version                    INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX cases_channel_ref ON cases (channel, channel_ref) WHERE channel_ref <> '';
CREATE UNIQUE INDEX cases_idempotency ON cases (created_by, idempotency_key) WHERE idempotency_key <> '';
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_lead_unit_state ON cases (lead_unit, state);
CREATE INDEX cases_registered_at ON cases (registered_at);
CREATE INDEX cases_resolve_by_open ON cases (resolve_by)
    WHERE state IN ('registered', 'dispatched', 'accepted', 'contacted', 'reopened');
CREATE INDEX cases_identity ON cases (complainant_identity) WHERE complainant_identity <> '';

CREATE TABLE case_assignments (
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    unit        TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    state       TEXT NOT NULL,
    accepted_by TEXT NOT NULL DEFAULT '',
    accepted_at TEXT,
    report      TEXT NOT NULL DEFAULT '',
    reported_at TEXT,
    due_by      TEXT,
    PRIMARY KEY (case_id, unit)
) STRICT;
CREATE INDEX case_assignments_unit ON case_assignments (unit, case_id);

CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL DEFAULT '',
    actor_unit TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    data       TEXT
) STRICT;
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER REFERENCES cases (id),
    template        TEXT NOT NULL,
    to_kind         TEXT NOT NULL,
    to_id           TEXT NOT NULL DEFAULT '',
    data            TEXT,
    dedup_key       TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    dead_at         TEXT,
    only_while      TEXT NOT NULL DEFAULT '',
    platform        TEXT NOT NULL DEFAULT '',
    platform_msg_id TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_due ON outbox (id) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_case ON outbox (case_id) WHERE case_id IS NOT NULL;

CREATE TABLE case_sequences (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

CREATE TABLE api_tokens (
    hash       TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX api_tokens_member ON api_tokens (member_id);
