-- 0010: the fingerprint of every key that sealed values in this database
-- (an HMAC of a fixed text under the key, never the key), so that a start
-- with a lost and regenerated key is refused instead of sealing what the
-- old data's key cannot open. A database sealed before this table existed
-- gets its rows at the first start that opens a value under each key.
CREATE TABLE key_checks (
    key_id      TEXT PRIMARY KEY,
    check_value TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    -- retired_at: no value was left under the key at a start without it.
    retired_at  TEXT
);
