-- 0015: the fingerprint of every key that sealed values in this database
-- (an HMAC of a fixed text under the key, never the key), so that a start
-- with a lost and regenerated key, or a replica with another key under the
-- same id, is refused instead of sealing what the others cannot open. A
-- database sealed before this table existed gets its rows at the first
-- start that opens a value under each key.
CREATE TABLE key_checks (
    key_id      text PRIMARY KEY,
    check_value text NOT NULL,
    recorded_at timestamptz NOT NULL,
    -- retired_at: no value was left under the key at a start without it.
    retired_at  timestamptz
);
