package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Errors of VerifyKeys, each naming the key id and what to do.
var (
	// ErrKeyMismatch: a configured key is not the key that sealed this
	// database's values under its id.
	ErrKeyMismatch = errors.New("encryption key does not match the database")
	// ErrKeyMissing: values are sealed under a key id the keyring lacks.
	ErrKeyMissing = errors.New("encryption key missing")
)

// KeyChecker is what VerifyKeys needs of the keyring (secret.Keyring).
type KeyChecker interface {
	// IDs lists the key ids, the active one first.
	IDs() []string
	// Check is key id's fingerprint: a keyed check value, never the key.
	Check(id string) (string, bool)
	// Open decrypts a sealed value, to test a key against the data when no
	// fingerprint was recorded for it yet.
	Open(sealed string) (string, error)
}

// keyCheck is a row of key_checks.
type keyCheck struct {
	check   string
	retired bool
}

// VerifyKeys compares the keyring with the fingerprints the database
// keeps of every key that sealed in it, and refuses (ErrKeyMismatch,
// ErrKeyMissing, all problems at once) a keyring that would make stored
// names and phones unreadable or seal what the other replicas cannot open.
// With record, as a server's start and a reseal do, it also records the
// active key's fingerprint before anything is sealed with it, and the
// fingerprint of a key proven against its data; check-config verifies
// without writing. A recorded key the keyring lacks is refused until
// RetireKeys retired it.
func (s *Store) VerifyKeys(ctx context.Context, keys KeyChecker, now time.Time, record bool) error {
	known, err := s.keyChecks(ctx)
	if err != nil {
		return err
	}
	if len(known) == 0 {
		// Before the table existed, or before any start: what the data
		// itself says was sealed.
		if known, err = s.sealedKeyIDs(ctx); err != nil {
			return err
		}
	}
	ids := keys.IDs()
	var problems []error
	for i, id := range ids {
		if err := s.verifyKey(ctx, keys, id, known[id], i == 0, now, record); err != nil {
			problems = append(problems, err)
		}
	}
	var gone []string
	for id, kc := range known {
		if !kc.retired && !slices.Contains(ids, id) {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	for _, id := range gone {
		sample, err := s.sampleSealed(ctx, id)
		if err != nil {
			return err
		}
		if sample != "" {
			problems = append(problems, fmt.Errorf("values are sealed under key %q, which the configured keys lack: put it back (from security.encryption_keys or the jiesu.key file it came from) after the first key: %w", id, ErrKeyMissing))
			continue
		}
		// Nothing under it now, but another server may seal with it any
		// moment: only a reseal that left nothing under it retires it.
		problems = append(problems, fmt.Errorf("key %q was recorded by another server or an earlier start, and the configured keys lack it: configure the same keys on every server; if it is lost and sealed nothing, jiesu keys reseal retires it: %w", id, ErrKeyMissing))
	}
	return errors.Join(problems...)
}

// verifyKey checks one configured key against its fingerprint, or, with
// none recorded (data sealed before the table existed, or a key that never
// sealed here), against a value sealed under it; see VerifyKeys.
func (s *Store) verifyKey(ctx context.Context, keys KeyChecker, id string, kc keyCheck, active bool, now time.Time, record bool) error {
	mine, _ := keys.Check(id)
	if kc.check != "" {
		if kc.check != mine {
			return fmt.Errorf("key %q is not the key that sealed this database's values under that id (its fingerprint differs): configure the original key: %w", id, ErrKeyMismatch)
		}
		if kc.retired && active && record {
			// Active again: it seals from now on.
			return s.execKeyChecks(ctx, `UPDATE key_checks SET retired_at = NULL WHERE key_id = $1`, id)
		}
		return nil
	}
	sample, err := s.sampleSealed(ctx, id)
	if err != nil {
		return err
	}
	if sample != "" {
		if _, err := keys.Open(sample); err != nil {
			return fmt.Errorf("key %q does not open the values sealed under that id: configure the original key: %w", id, ErrKeyMismatch)
		}
	}
	if !record || (sample == "" && !active) {
		return nil
	}
	// Two replicas recording different keys at once: the first row wins,
	// and the other sees a mismatch.
	var got string
	err = s.execKeyChecks(ctx, `INSERT INTO key_checks (key_id, check_value, recorded_at) VALUES ($1, $2, $3)
		ON CONFLICT (key_id) DO NOTHING`, id, mine, s.d.time(now))
	if err == nil {
		err = s.db.QueryRowContext(ctx, `SELECT check_value FROM key_checks WHERE key_id = $1`, id).Scan(&got)
	}
	if err != nil {
		return fmt.Errorf("record key %q: %w", id, err)
	}
	if got != mine {
		return fmt.Errorf("key %q is not the key another server recorded under that id: configure the same keys on every server: %w", id, ErrKeyMismatch)
	}
	return nil
}

func (s *Store) keyChecks(ctx context.Context) (map[string]keyCheck, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key_id, check_value, retired_at IS NOT NULL FROM key_checks`)
	if err != nil {
		return nil, fmt.Errorf("key checks: %w", err)
	}
	defer rows.Close()
	out := map[string]keyCheck{}
	for rows.Next() {
		var id string
		var kc keyCheck
		if err := rows.Scan(&id, &kc.check, &kc.retired); err != nil {
			return nil, fmt.Errorf("key checks: %w", err)
		}
		out[id] = kc
	}
	return out, rows.Err()
}

// sealedKeyIDs are the key ids of every sealed value, read from the data
// (every row: for a database that has no fingerprint yet).
func (s *Store) sealedKeyIDs(ctx context.Context) (map[string]keyCheck, error) {
	out := map[string]keyCheck{}
	for _, t := range sealedTables() {
		for _, col := range t.columns {
			rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT `+s.d.keyIDOf(col)+` FROM `+t.name+` WHERE `+col+` LIKE 'v1.%'`)
			if err != nil {
				return nil, fmt.Errorf("key ids of %s.%s: %w", t.name, col, err)
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return nil, fmt.Errorf("key ids of %s.%s: %w", t.name, col, err)
				}
				if id != "" {
					out[id] = keyCheck{}
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, fmt.Errorf("key ids of %s.%s: %w", t.name, col, err)
			}
		}
	}
	return out, nil
}

// sampleSealed returns a value sealed under key id, or "" when none is.
func (s *Store) sampleSealed(ctx context.Context, id string) (string, error) {
	prefix := "v1." + id + "."
	for _, t := range sealedTables() {
		for _, col := range t.columns {
			var v string
			err := s.db.QueryRowContext(ctx, `SELECT `+col+` FROM `+t.name+` WHERE substr(`+col+`, 1, $2) = $1 LIMIT 1`, prefix, len(prefix)).Scan(&v)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return "", fmt.Errorf("values under key %q: %w", id, err)
			}
			return v, nil
		}
	}
	return "", nil
}

// RetireKeys marks retired every recorded key but active that no value is
// sealed under any more, so that a start without it is not refused: the
// last step of a reseal that left nothing under the old keys. It returns
// the ids it retired.
func (s *Store) RetireKeys(ctx context.Context, active string, now time.Time) ([]string, error) {
	known, err := s.keyChecks(ctx)
	if err != nil {
		return nil, err
	}
	var retired []string
	for id, kc := range known {
		if id == active || kc.retired {
			continue
		}
		sample, err := s.sampleSealed(ctx, id)
		if err != nil {
			return retired, err
		}
		if sample != "" {
			continue
		}
		if err := s.execKeyChecks(ctx, `UPDATE key_checks SET retired_at = $2 WHERE key_id = $1`, id, s.d.time(now)); err != nil {
			return retired, err
		}
		retired = append(retired, id)
	}
	slices.Sort(retired)
	return retired, nil
}

// HoldsSealedData reports whether the database holds values sealed under
// any key, or a key's fingerprint: then a missing key must be restored,
// never made anew.
func (s *Store) HoldsSealedData(ctx context.Context) (bool, error) {
	conds := []string{`EXISTS (SELECT 1 FROM key_checks WHERE retired_at IS NULL)`}
	for _, t := range sealedTables() {
		for _, col := range t.columns {
			conds = append(conds, `EXISTS (SELECT 1 FROM `+t.name+` WHERE `+col+` <> '')`)
		}
	}
	var held bool
	if err := s.db.QueryRowContext(ctx, `SELECT `+strings.Join(conds, " OR ")).Scan(&held); err != nil {
		return false, fmt.Errorf("look for sealed data: %w", err)
	}
	return held, nil
}

func (s *Store) execKeyChecks(ctx context.Context, q string, args ...any) error {
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("key checks: %w", err)
	}
	return nil
}
