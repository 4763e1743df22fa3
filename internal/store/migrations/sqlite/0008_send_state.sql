-- 0007: WeCom refuses a card's task_id that the app saw before (42014),
-- from any database that shares the app. installation holds this
-- database's own id, made once by the service and put into every task_id.
-- outbox.sent_as is the dedup key a message was last handed to a platform
-- under, written before the send: a later attempt sends under it again
-- (a card keeps its task_id) and knows an earlier one may have arrived.
CREATE TABLE installation (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    id         TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
ALTER TABLE outbox ADD COLUMN sent_as TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_sent_as ON outbox (sent_as) WHERE sent_as <> '' AND state IN ('pending', 'sending');
