-- 0012: WeCom refuses a card's task_id that the app saw before (42014),
-- from any database that shares the app. installation holds this
-- database's own id, made once by the service and put into every task_id.
-- outbox.sent_as is the dedup key a message was last handed to a platform
-- under, written before the send: a later attempt sends under it again
-- (a card keeps its task_id) and knows an earlier one may have arrived.
CREATE TABLE installation (
    singleton  integer PRIMARY KEY CHECK (singleton = 1),
    id         text NOT NULL,
    created_at timestamptz NOT NULL
);
ALTER TABLE outbox ADD COLUMN sent_as text NOT NULL DEFAULT '';
CREATE INDEX outbox_sent_as ON outbox (sent_as) WHERE sent_as <> '' AND state IN ('pending', 'sending');
