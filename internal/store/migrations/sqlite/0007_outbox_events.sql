-- 0007: a dead message can be retried or dropped by hand (jiesu outbox,
-- /api/v1/outbox). Each such act is recorded here, with who did it, for
-- every message, whether or not it is about a case. A dropped message
-- keeps its row in the state 'dropped', so its dedup key still stops the
-- same message being queued again.
CREATE TABLE outbox_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id  INTEGER NOT NULL REFERENCES outbox (id),
    action     TEXT NOT NULL, -- retry | drop
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    from_state TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_events_message ON outbox_events (outbox_id, id);

CREATE TRIGGER outbox_events_no_update BEFORE UPDATE ON outbox_events
BEGIN
    SELECT RAISE(ABORT, 'outbox_events is append-only');
END;
CREATE TRIGGER outbox_events_no_delete BEFORE DELETE ON outbox_events
BEGIN
    SELECT RAISE(ABORT, 'outbox_events is append-only');
END;
