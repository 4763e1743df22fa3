package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
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

// DueFolds returns up to limit fold keys under which a waiting message is
// due at now, the longest waiting first, with how many wait under each.
// Every message waiting under a key waits for the same target's limit,
// so when one is due, all of them may go in its digest.
func (s *Store) DueFolds(ctx context.Context, now time.Time, limit int) ([]FoldGroup, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.fold_key, count(*), max(f.fold_max) FROM outbox_folds f
		JOIN outbox o ON o.id = f.outbox_id
		WHERE o.state = 'pending'
		GROUP BY f.fold_key HAVING min(o.next_attempt_at) <= $1
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

// ClaimFold claims up to limit messages waiting under fold key, oldest
// first, due or not (DueFolds says why), as ClaimOutbox claims: "sending"
// until now+lease, one more attempt counted. Concurrent claimers never get
// the same message.
func (s *Store) ClaimFold(ctx context.Context, key string, now time.Time, lease time.Duration, limit int) ([]cases.OutboxItem, error) {
	lock := ""
	if s.d.postgres() {
		lock = " FOR UPDATE OF o SKIP LOCKED"
	}
	return s.claim(ctx, "claim fold "+key, `UPDATE outbox
		SET state = 'sending', lease_until = $2, attempts = attempts + 1
		WHERE id IN (
			SELECT o.id FROM outbox o JOIN outbox_folds f ON f.outbox_id = o.id
			WHERE f.fold_key = $1 AND o.state = 'pending'
			ORDER BY o.id LIMIT $3`+lock+`)
		RETURNING `+outboxColumns, key, s.d.time(now.Add(lease)), limit)
}

// Backlog is what waits for one target besides the message in hand.
type Backlog struct {
	Held    int // messages held for the target's limit (waiting under its fold key)
	Pending int // other messages queued to the same recipient and not yet tried
}

// BacklogOf returns the backlog of the target of a message to `to` whose
// deliveries fold under key.
func (s *Store) BacklogOf(ctx context.Context, key string, to cases.Recipient) (Backlog, error) {
	var b Backlog
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM outbox_folds f JOIN outbox o ON o.id = f.outbox_id
			WHERE f.fold_key = $1 AND o.state = 'pending'),
		(SELECT count(*) FROM outbox o WHERE o.state = 'pending' AND o.to_kind = $2 AND o.to_id = $3
			AND NOT EXISTS (SELECT 1 FROM outbox_folds f WHERE f.outbox_id = o.id))`,
		key, string(to.Kind), to.ID).Scan(&b.Held, &b.Pending)
	if err != nil {
		return Backlog{}, fmt.Errorf("backlog of %s: %w", key, err)
	}
	return b, nil
}

// DeferFold moves every message waiting under fold key to wait until
// next, as DeferOutbox does one claimed message: the target's limit has no
// room before then, and a digest then takes them all, so none of them need
// be claimed and put back before it.
func (s *Store) DeferFold(ctx context.Context, key string, next time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $2
		WHERE state = 'pending' AND next_attempt_at < $2
		  AND id IN (SELECT outbox_id FROM outbox_folds WHERE fold_key = $1)`, key, s.d.time(next)); err != nil {
		return fmt.Errorf("defer fold %s: %w", key, err)
	}
	return nil
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
