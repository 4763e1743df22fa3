-- 0002: cards sent to chat platforms, kept with their case so that taking
-- the case can update every copy (WeCom task_id and response_code), and the
-- fold marks of outbox messages that wait for a rate limit.

CREATE TABLE chat_cards (
    platform      text NOT NULL,
    task_id       text NOT NULL,
    case_number   text NOT NULL,
    digest        boolean NOT NULL DEFAULT false,
    -- The newest code the platform gave for updating the card; each is
    -- good for one update, so it is cleared when taken.
    response_code text NOT NULL DEFAULT '',
    code_at       timestamptz,
    created_at    timestamptz NOT NULL,
    closed_at     timestamptz,
    PRIMARY KEY (platform, task_id, case_number)
);
CREATE INDEX chat_cards_case ON chat_cards (platform, case_number) WHERE closed_at IS NULL;

-- A message that found its target's rate limit full and may be folded with
-- others for the same target into one digest.
CREATE TABLE outbox_folds (
    outbox_id bigint PRIMARY KEY REFERENCES outbox (id),
    fold_key  text NOT NULL,
    fold_max  integer NOT NULL
);
CREATE INDEX outbox_folds_key ON outbox_folds (fold_key);
