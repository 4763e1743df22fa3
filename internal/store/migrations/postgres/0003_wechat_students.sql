-- 0003: what the student conversation keeps beside cases: each chat
-- complainant's phone (sealed) and last message (WeChat's 48-hour window),
-- the replies given to platform messages (so that a platform's retries get
-- the same answer and change nothing twice), and the files students send.

CREATE TABLE complainants (
    channel          text NOT NULL,
    identity         text NOT NULL,          -- the platform's id (WeChat openid)
    contact_sealed   text NOT NULL DEFAULT '',
    contact_masked   text NOT NULL DEFAULT '',
    -- '' never asked, asked, bound, anonymous (匿名), unanswered
    contact_state    text NOT NULL DEFAULT '',
    asked_at         timestamptz,
    supplement_until timestamptz,            -- a bare 补充 arms the next message until then
    last_message_at  timestamptz,            -- opens the platform's reply window
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (channel, identity)
);
CREATE INDEX complainants_asked ON complainants (asked_at) WHERE contact_state = 'asked';

-- One row per platform message handled: claimed while it is processed, then
-- done with the reply given (sealed: it may quote the case).
CREATE TABLE inbound_messages (
    channel      text NOT NULL,
    msg_key      text NOT NULL,
    state        text NOT NULL,              -- processing, done
    reply_sealed text NOT NULL DEFAULT '',
    lease_until  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (channel, msg_key)
);
CREATE INDEX inbound_messages_created ON inbound_messages (created_at);

CREATE TABLE case_attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES cases (id),
    kind         text NOT NULL,              -- image, voice
    platform     text NOT NULL,
    media_id     text NOT NULL DEFAULT '',
    source_ref   text NOT NULL DEFAULT '',   -- the platform message it came with
    state        text NOT NULL,              -- pending, stored, remote, failed
    path         text NOT NULL DEFAULT '',   -- in the attachment store
    content_type text NOT NULL DEFAULT '',
    size         bigint NOT NULL DEFAULT 0,
    sha256       text NOT NULL DEFAULT '',
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    stored_at    timestamptz
);
CREATE UNIQUE INDEX case_attachments_source ON case_attachments (platform, source_ref) WHERE source_ref <> '';
CREATE INDEX case_attachments_case ON case_attachments (case_id, id);
CREATE INDEX case_attachments_pending ON case_attachments (id) WHERE state = 'pending';

-- Cases waiting for their complainant's rating: the survey sweep and the
-- hotline's follow-up list walk them by feedback time.
CREATE INDEX cases_awaiting_rating ON cases (feedback_at) WHERE state = 'feedback_given';

-- The marks kept beside a platform message (its claim and reply, the
-- student's last message, that the phone was asked for) are written on the
-- path of every callback, which WeChat gives 5 seconds. They commit
-- without waiting for the disk, like the case counter: a crash can lose
-- the last few, which costs a retried message a second run (its case is
-- still one: cases are unique per channel message and commit durably), or
-- a window estimate (WeChat's 45015 corrects it). Visibility and locking
-- are unchanged, so concurrent retries still meet one claim.
CREATE FUNCTION jiesu_claim_inbound(p_channel text, p_key text, p_lease timestamptz, p_now timestamptz)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    s text;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO inbound_messages (channel, msg_key, state, lease_until, created_at)
    VALUES (p_channel, p_key, 'processing', p_lease, p_now)
    ON CONFLICT (channel, msg_key) DO UPDATE SET lease_until = excluded.lease_until
    WHERE inbound_messages.state = 'processing' AND inbound_messages.lease_until < p_now
    RETURNING state INTO s;
    RETURN s; -- NULL: someone else has it, or had it
END
$$;

CREATE FUNCTION jiesu_finish_inbound(p_channel text, p_key text, p_reply text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    UPDATE inbound_messages SET state = 'done', reply_sealed = p_reply
    WHERE channel = p_channel AND msg_key = p_key;
END
$$;

CREATE FUNCTION jiesu_touch_complainant(p_channel text, p_identity text, p_at timestamptz)
RETURNS SETOF complainants LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    RETURN QUERY INSERT INTO complainants (channel, identity, last_message_at, updated_at)
    VALUES (p_channel, p_identity, p_at, p_at)
    ON CONFLICT (channel, identity) DO UPDATE SET last_message_at = p_at, updated_at = p_at
    RETURNING *;
END
$$;

CREATE FUNCTION jiesu_ask_contact(p_channel text, p_identity text, p_at timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    UPDATE complainants SET contact_state = 'asked', asked_at = p_at, updated_at = p_at
    WHERE channel = p_channel AND identity = p_identity AND contact_state = '';
    RETURN FOUND;
END
$$;
