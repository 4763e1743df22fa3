package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// errClaimLost rolls back a statement that found a claim no longer held.
var errClaimLost = errors.New("claim lost")

// OutboxClaim names a message as claimed for its attempt-th try.
type OutboxClaim struct {
	ID      int64
	Attempt int
}

// MarkSentAs records, before a send, that the claimed messages are handed
// to a platform under dedup key key: from then on every attempt of theirs
// must send under the same key, since this one may arrive. It reports
// false, recording nothing, when one of the claims no longer holds its
// message: another replica took it over and sends it itself.
func (s *Store) MarkSentAs(ctx context.Context, claims []OutboxClaim, key string) (bool, error) {
	if len(claims) == 0 {
		return true, nil
	}
	held := true
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		args := []any{key}
		var which strings.Builder
		for i, c := range claims {
			if i > 0 {
				which.WriteString(" OR ")
			}
			fmt.Fprintf(&which, "(id = $%d AND attempts = $%d)", 2*i+2, 2*i+3)
			args = append(args, c.ID, c.Attempt)
		}
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_as = $1 WHERE state = 'sending' AND (`+which.String()+`)`, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if held = int(n) == len(claims); !held {
			return errClaimLost // roll back: all of them or none
		}
		return nil
	})
	if !held {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mark messages sent as %s: %w", key, err)
	}
	return true, nil
}

// ClaimSentAs claims, as ClaimOutbox does, the messages last handed to a
// platform under key that wait: pending ones whenever they are due, and
// those whose claim's lease ran out. Messages sent in one digest go again
// together, under the digest's key.
func (s *Store) ClaimSentAs(ctx context.Context, key string, now time.Time, lease time.Duration) ([]cases.OutboxItem, error) {
	return s.claim(ctx, "claim messages sent as "+key, `UPDATE outbox
		SET state = 'sending', lease_until = $3, attempts = attempts + 1
		WHERE id IN (
			SELECT id FROM outbox
			WHERE sent_as = $1 AND sent_as <> '' AND (state = 'pending' OR (state = 'sending' AND lease_until < $2))`+s.d.skipLocked()+`)
		RETURNING `+outboxColumns, key, s.d.time(now), s.d.time(now.Add(lease)))
}
