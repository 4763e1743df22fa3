-- 0012: a dead message can be retried or dropped by hand (jiesu outbox,
-- /api/v1/outbox). Each such act is recorded here, with who did it, for
-- every message, whether or not it is about a case. A dropped message
-- keeps its row in the state 'dropped', so its dedup key still stops the
-- same message being queued again.
CREATE TABLE outbox_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id  bigint NOT NULL REFERENCES outbox (id),
    action     text NOT NULL, -- retry | drop
    actor      text NOT NULL,
    at         timestamptz NOT NULL,
    from_state text NOT NULL,
    note       text NOT NULL DEFAULT ''
);
CREATE INDEX outbox_events_message ON outbox_events (outbox_id, id);

CREATE FUNCTION outbox_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'outbox_events is append-only';
END;
$$;
CREATE TRIGGER outbox_events_append_only BEFORE UPDATE OR DELETE ON outbox_events
    FOR EACH ROW EXECUTE FUNCTION outbox_events_append_only();
