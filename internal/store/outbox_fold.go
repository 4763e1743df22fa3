package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// FoldGroup is a set of messages waiting for the same target's rate limit,
// which the outbox may fold into digests of at most Max messages.
type FoldGroup struct {
	Key   string
	Count int
	Max   int
}

// DeferOutbox puts a claimed message back to pending until next without
// counting the attempt: it was not tried, its target's rate limit had no
// room. A non-empty fold key marks it as foldable with the other messages
// waiting under that key, at most foldMax to a digest. Like MarkRetry it
// touches the message only while its attempt-th claim holds it.
func (s *Store) DeferOutbox(ctx context.Context, id int64, attempt int, next time.Time, foldKey string, foldMax int) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox
			SET state = 'pending', next_attempt_at = $2, lease_until = NULL,
			    attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
			WHERE id = $1 AND state = 'sending' AND attempts = $3`, id, s.d.time(next), attempt)
		if err != nil {
			return fmt.Errorf("defer message %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 || foldKey == "" {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_folds (outbox_id, fold_key, fold_max) VALUES ($1, $2, $3)
			ON CONFLICT (outbox_id) DO UPDATE SET fold_key = excluded.fold_key, fold_max = excluded.fold_max`,
			id, foldKey, max(foldMax, 1)); err != nil {
			return fmt.Errorf("mark message %d foldable: %w", id, err)
		}
		return nil
	})
}

// DueFolds returns up to limit fold keys under which at least two messages
// are due at now, the longest waiting first.
func (s *Store) DueFolds(ctx context.Context, now time.Time, limit int) ([]FoldGroup, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.fold_key, count(*), max(f.fold_max) FROM outbox_folds f
		JOIN outbox o ON o.id = f.outbox_id
		WHERE o.state = 'pending' AND o.next_attempt_at <= $1
		GROUP BY f.fold_key HAVING count(*) > 1
		ORDER BY min(o.id) LIMIT $2`, s.d.time(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due folds: %w", err)
	}
	defer rows.Close()
	var out []FoldGroup
	for rows.Next() {
		var g FoldGroup
		if err := rows.Scan(&g.Key, &g.Count, &g.Max); err != nil {
			return nil, fmt.Errorf("due folds: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due folds: %w", err)
	}
	return out, nil
}

// ClaimFold claims up to limit due messages waiting under fold key, oldest
// first, as ClaimOutbox claims: "sending" until now+lease, one more
// attempt counted. Concurrent claimers never get the same message.
func (s *Store) ClaimFold(ctx context.Context, key string, now time.Time, lease time.Duration, limit int) ([]OutboxItem, error) {
	lock := ""
	if s.d.postgres() {
		lock = " FOR UPDATE OF o SKIP LOCKED"
	}
	return s.claim(ctx, "claim fold "+key, `UPDATE outbox
		SET state = 'sending', lease_until = $3, attempts = attempts + 1
		WHERE id IN (
			SELECT o.id FROM outbox o JOIN outbox_folds f ON f.outbox_id = o.id
			WHERE f.fold_key = $1 AND o.state = 'pending' AND o.next_attempt_at <= $2
			ORDER BY o.id LIMIT $4`+lock+`)
		RETURNING `+outboxColumns, key, s.d.time(now), s.d.time(now.Add(lease)), limit)
}

// Unfold forgets the fold marks of messages that no longer wait.
func (s *Store) Unfold(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM outbox_folds WHERE outbox_id IN `+values(0, 1, len(ids)), args...); err != nil {
		return fmt.Errorf("unfold messages: %w", err)
	}
	return nil
}
