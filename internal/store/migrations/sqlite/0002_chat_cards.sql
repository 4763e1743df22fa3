-- 0002: cards sent to chat platforms, kept with their case so that taking
-- the case can update every copy (WeCom task_id and response_code), and the
-- fold marks of outbox messages that wait for a rate limit.

CREATE TABLE chat_cards (
    platform      TEXT NOT NULL,
    task_id       TEXT NOT NULL,
    case_number   TEXT NOT NULL,
    digest        INTEGER NOT NULL DEFAULT 0,
    -- The newest code the platform gave for updating the card; each is
    -- good for one update, so it is cleared when taken.
    response_code TEXT NOT NULL DEFAULT '',
    code_at       TEXT,
    created_at    TEXT NOT NULL,
    closed_at     TEXT,
    PRIMARY KEY (platform, task_id, case_number)
) STRICT;
CREATE INDEX chat_cards_case ON chat_cards (platform, case_number) WHERE closed_at IS NULL;

-- A message that found its target's rate limit full and may be folded with
-- others for the same target into one digest.
CREATE TABLE outbox_folds (
    outbox_id INTEGER PRIMARY KEY REFERENCES outbox (id),
    fold_key  TEXT NOT NULL,
    fold_max  INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_folds_key ON outbox_folds (fold_key);
