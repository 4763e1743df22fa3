-- 0006: a case made urgent by its text keeps the tier it had before and
-- the words that decided it, for the unit's notice and the school office's
-- one-tap downgrade (change_tier).
ALTER TABLE cases ADD COLUMN tier_raised_from TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN tier_evidence TEXT;
