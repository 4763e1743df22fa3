-- 0003: what the student conversation keeps beside cases: each chat
-- complainant's phone (sealed) and last message (WeChat's 48-hour window),
-- the replies given to platform messages (so that a platform's retries get
-- the same answer and change nothing twice), and the files students send.

CREATE TABLE complainants (
    channel          TEXT NOT NULL,
    identity         TEXT NOT NULL,
    contact_sealed   TEXT NOT NULL DEFAULT '',
    contact_masked   TEXT NOT NULL DEFAULT '',
    contact_state    TEXT NOT NULL DEFAULT '',
    asked_at         TEXT,
    supplement_until TEXT,
    last_message_at  TEXT,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (channel, identity)
);
CREATE INDEX complainants_asked ON complainants (asked_at) WHERE contact_state = 'asked';

CREATE TABLE inbound_messages (
    channel      TEXT NOT NULL,
    msg_key      TEXT NOT NULL,
    state        TEXT NOT NULL,
    reply_sealed TEXT NOT NULL DEFAULT '',
    lease_until  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (channel, msg_key)
);
CREATE INDEX inbound_messages_created ON inbound_messages (created_at);

CREATE TABLE case_attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    kind         TEXT NOT NULL,
    platform     TEXT NOT NULL,
    media_id     TEXT NOT NULL DEFAULT '',
    source_ref   TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    path         TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size         INTEGER NOT NULL DEFAULT 0,
    sha256       TEXT NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    stored_at    TEXT
);
CREATE UNIQUE INDEX case_attachments_source ON case_attachments (platform, source_ref) WHERE source_ref <> '';
CREATE INDEX case_attachments_case ON case_attachments (case_id, id);
CREATE INDEX case_attachments_pending ON case_attachments (id) WHERE state = 'pending';

CREATE INDEX cases_awaiting_rating ON cases (feedback_at) WHERE state = 'feedback_given';
