-- 0005: /metrics counts the outbox's undelivered and dead messages at every
-- scrape. Undelivered ones have outbox_due; dead ones get their own small
-- index, so that neither count reads the sent messages, which only grow.
CREATE INDEX outbox_dead ON outbox (id) WHERE state = 'dead';
