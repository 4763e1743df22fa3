-- 0014: the blind index of a case's contact (secret.PhoneIndex: an HMAC of
-- the normalised phone under a key derived from the encryption key), so
-- that the office and hotline operators find a caller's earlier cases by
-- phone while the phone stays sealed. '' for no phone; `keys reseal` fills
-- it for cases registered before it existed.
ALTER TABLE cases ADD COLUMN complainant_contact_index text NOT NULL DEFAULT '';
CREATE INDEX cases_contact_index ON cases (complainant_contact_index) WHERE complainant_contact_index <> '';
