-- 0001: cases with their co-unit assignments and events, the outbox, the
-- per-day case counter and API tokens.

CREATE TABLE cases (
    id                         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number                     text NOT NULL UNIQUE,
    channel                    text NOT NULL,
    channel_ref                text NOT NULL DEFAULT '',
    idempotency_key            text NOT NULL DEFAULT '',
    created_by                 text NOT NULL DEFAULT '',
    complainant_identity       text NOT NULL DEFAULT '',
    complainant_name_sealed    text NOT NULL DEFAULT '',
    complainant_contact_sealed text NOT NULL DEFAULT '',
    complainant_name_masked    text NOT NULL DEFAULT '',
    complainant_contact_masked text NOT NULL DEFAULT '',
    complainant_no_contact     boolean NOT NULL DEFAULT false,
    content                    text NOT NULL,
    place                      text NOT NULL DEFAULT '',
    category                   text NOT NULL DEFAULT '',
    tier                       text NOT NULL,
    state                      text NOT NULL,
    lead_unit                  text NOT NULL DEFAULT '',
    first_handler              text NOT NULL DEFAULT '',
    route_reasons              jsonb,
    registered_at              timestamptz NOT NULL,
    dispatched_at              timestamptz,
    accepted_at                timestamptz,
    contacted_at               timestamptz,
    resolved_at                timestamptz,
    feedback_at                timestamptz,
    rated_at                   timestamptz,
    closed_at                  timestamptz,
    updated_at                 timestamptz NOT NULL,
    contact_by                 timestamptz,
    resolve_by                 timestamptz,
    -- The latest extension request; ext_status NULL means none.
    ext_status                 text,
    ext_until                  timestamptz,
    ext_reason                 text NOT NULL DEFAULT '',
    ext_requested_by           text NOT NULL DEFAULT '',
    ext_requested_at           timestamptz,
    ext_decided_by             text NOT NULL DEFAULT '',
    ext_decided_at             timestamptz,
    ext_note                   text NOT NULL DEFAULT '',
    result                     text NOT NULL DEFAULT '',
    report                     text NOT NULL DEFAULT '',
    rating                     text NOT NULL DEFAULT '',
    reopens                    integer NOT NULL DEFAULT 0,
    merged_into                bigint REFERENCES cases (id),
    confidential               boolean NOT NULL DEFAULT false,
    accuses_official           boolean NOT NULL DEFAULT false,
    -- Taken out of the assessment; excl_reason NULL means counted.
    excl_reason                text,
    excl_note                  text NOT NULL DEFAULT '',
    excl_approved_by           text NOT NULL DEFAULT '',
    excl_at                    timestamptz,
    version                    integer NOT NULL
);

-- The ground truth of deduplication: one case per channel message, one per
-- idempotency key of a member.
CREATE UNIQUE INDEX cases_channel_ref ON cases (channel, channel_ref) WHERE channel_ref <> '';
CREATE UNIQUE INDEX cases_idempotency ON cases (created_by, idempotency_key) WHERE idempotency_key <> '';
-- The list filters.
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_lead_unit_state ON cases (lead_unit, state);
CREATE INDEX cases_registered_at ON cases (registered_at);
CREATE INDEX cases_resolve_by_open ON cases (resolve_by)
    WHERE state IN ('registered', 'dispatched', 'accepted', 'contacted', 'reopened');
CREATE INDEX cases_identity ON cases (complainant_identity) WHERE complainant_identity <> '';

CREATE TABLE case_assignments (
    case_id     bigint NOT NULL REFERENCES cases (id),
    unit        text NOT NULL,
    pos         integer NOT NULL, -- keeps the order of Case.CoUnits
    state       text NOT NULL,
    accepted_by text NOT NULL DEFAULT '',
    accepted_at timestamptz,
    report      text NOT NULL DEFAULT '',
    reported_at timestamptz,
    due_by      timestamptz,
    PRIMARY KEY (case_id, unit)
);
CREATE INDEX case_assignments_unit ON case_assignments (unit, case_id);

CREATE TABLE case_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES cases (id),
    kind       text NOT NULL,
    actor      text NOT NULL DEFAULT '',
    actor_unit text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL,
    from_state text NOT NULL DEFAULT '',
    to_state   text NOT NULL DEFAULT '',
    note       text NOT NULL DEFAULT '',
    data       jsonb
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- The history is evidence: the database itself refuses to rewrite it.
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only';
END
$$;
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         bigint REFERENCES cases (id), -- NULL: not about one case (a report)
    template        text NOT NULL,
    to_kind         text NOT NULL,
    to_id           text NOT NULL DEFAULT '',
    data            jsonb,
    dedup_key       text NOT NULL UNIQUE,
    state           text NOT NULL DEFAULT 'pending',
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    dead_at         timestamptz,
    only_while      text NOT NULL DEFAULT '', -- deliver only while the case is in this state
    platform        text NOT NULL DEFAULT '',
    platform_msg_id text NOT NULL DEFAULT ''
);
-- The claim walks only undelivered rows, oldest first.
CREATE INDEX outbox_due ON outbox (id) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_case ON outbox (case_id) WHERE case_id IS NOT NULL;

CREATE TABLE case_sequences (
    day  text PRIMARY KEY, -- yyyymmdd in Asia/Shanghai
    last integer NOT NULL
);

-- The day's next case number in one round trip, committed without waiting
-- for the disk so that creators hold the counter's row lock only briefly.
-- A case using the number commits later and synchronously, and the WAL is
-- flushed in order, so a durable case always has a durable counter behind
-- it: no number is handed out twice, even after a crash.
CREATE FUNCTION jiesu_next_case_number(p_day text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO case_sequences (day, last) VALUES (p_day, 1)
    ON CONFLICT (day) DO UPDATE SET last = case_sequences.last + 1
    RETURNING last INTO n;
    RETURN n;
END
$$;

CREATE TABLE api_tokens (
    hash       text PRIMARY KEY, -- only the hash is kept; the token is shown once
    member_id  text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX api_tokens_member ON api_tokens (member_id);
