package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// DefaultClaimLimit is how many messages ClaimOutbox takes when asked for 0.
const DefaultClaimLimit = 50

// outboxColumns reads a whole OutboxItem, in scanOutbox's order.
const outboxColumns = `id, COALESCE(case_id, 0), template, to_kind, to_id, data, dedup_key, state, attempts,
	next_attempt_at, lease_until, last_error, created_at, sent_at, dead_at, platform, platform_msg_id, only_while, sent_as`

func scanOutbox(row scanner) (cases.OutboxItem, error) {
	var it cases.OutboxItem
	err := row.Scan(&it.ID, &it.CaseID, &it.Template, &it.To.Kind, &it.To.ID, jsonCol{&it.Data}, &it.DedupKey,
		&it.State, &it.Attempts, timeCol{&it.NextAttemptAt}, timeCol{&it.LeaseUntil}, &it.LastError,
		timeCol{&it.CreatedAt}, timeCol{&it.SentAt}, timeCol{&it.DeadAt}, &it.Platform, &it.PlatformMsgID, &it.OnlyWhile, &it.SentAs)
	return it, err
}

// messageKey names a transition's message so that it is queued once however
// often the transaction is retried: the case version is unique per
// transition, the position unique within it.
func messageKey(c cases.Case, pos int, m cases.Message) string {
	return fmt.Sprintf("case/%d/v%d/%d/%s/%s/%s", c.ID, c.Version, pos, m.Template, m.To.Kind, m.To.ID)
}

// queueMessages writes a transition's messages to the outbox, due at the
// transition's time.
func (s *Store) queueMessages(ctx context.Context, tx *sql.Tx, c cases.Case, msgs []cases.Message) error {
	st, err := s.messagesStmt(c, msgs)
	if err != nil {
		return err
	}
	return st.exec(ctx, tx, "queue messages")
}

// messagesStmt is the statement of queueMessages; empty when msgs is.
func (s *Store) messagesStmt(c cases.Case, msgs []cases.Message) (stmt, error) {
	return s.outboxStmt(messageItems(c, msgs))
}

// messageItems are the outbox rows of c's messages, due at the
// transition's time.
func messageItems(c cases.Case, msgs []cases.Message) []cases.OutboxItem {
	now := c.UpdatedAt
	if now.IsZero() {
		now = time.Now()
	}
	items := make([]cases.OutboxItem, len(msgs))
	for i, m := range msgs {
		items[i] = cases.OutboxItem{CaseID: c.ID, Template: m.Template, To: m.To, Data: m.Data,
			DedupKey: messageKey(c, i, m), NextAttemptAt: now.Add(m.Delay), CreatedAt: now, OnlyWhile: m.OnlyWhile}
	}
	return items
}

// insertOutbox queues items as pending, skipping any whose dedup key is
// already queued, and returns how many were new.
func (s *Store) insertOutbox(ctx context.Context, q querier, items []cases.OutboxItem) (int, error) {
	st, err := s.outboxStmt(items)
	if err != nil || st.empty() {
		return 0, err
	}
	res, err := q.ExecContext(ctx, st.q, st.args...)
	if err != nil {
		return 0, fmt.Errorf("queue messages: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("queue messages: %w", err)
	}
	return int(n), nil
}

// outboxStmt is the statement of insertOutbox; empty when items is.
func (s *Store) outboxStmt(items []cases.OutboxItem) (stmt, error) {
	if len(items) == 0 {
		return stmt{}, nil
	}
	const cols = 9
	args := make([]any, 0, cols*len(items))
	for _, it := range items {
		if it.DedupKey == "" {
			return stmt{}, fmt.Errorf("queue %s: a dedup key is required", it.Template)
		}
		var data any
		if len(it.Data) > 0 {
			var err error
			if data, err = jsonArg(it.Data); err != nil {
				return stmt{}, fmt.Errorf("queue %s: %w", it.Template, err)
			}
		}
		args = append(args, nullInt64(it.CaseID), it.Template, string(it.To.Kind), it.To.ID, data,
			it.DedupKey, s.d.time(it.NextAttemptAt), s.d.time(it.CreatedAt), string(it.OnlyWhile))
	}
	return insertRows(s.texts, rowsShape{head: `INSERT INTO outbox
		(case_id, template, to_kind, to_id, data, dedup_key, next_attempt_at, created_at, only_while)`,
		tail: ` ON CONFLICT (dedup_key) DO NOTHING`, cols: cols}, args), nil
}

// Enqueue queues messages that no case transition produced (reminders,
// escalations, reports). Each item needs a DedupKey naming what it is
// for, such as "remind/42/contact_by/unit"; an item whose key was ever
// queued before is skipped, so a sweep that runs twice sends once. CaseID 0
// means the message is not about one case; a zero NextAttemptAt means now.
// It returns how many items were new.
func (s *Store) Enqueue(ctx context.Context, items []cases.OutboxItem, now time.Time) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	queued := make([]cases.OutboxItem, len(items))
	for i, it := range items {
		if it.NextAttemptAt.IsZero() {
			it.NextAttemptAt = now
		}
		it.CreatedAt = now
		queued[i] = it
	}
	return s.insertOutbox(ctx, s.db, queued)
}

// ClaimOutbox takes up to limit messages that are due at now: pending ones
// whose next attempt has come, and ones left "sending" by a replica whose
// lease ran out (it died mid-send). A pending message that waits for its
// target's rate limit (it has a fold mark) is left to ClaimFold: taken
// here, it would go out alone in a slot a digest of its whole backlog
// could use. They become "sending" until now+lease,
// with one more attempt counted, and come back oldest first. Concurrent
// claimers never get the same message while its lease holds.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]cases.OutboxItem, error) {
	if limit <= 0 {
		limit = DefaultClaimLimit
	}
	return s.claim(ctx, "claim outbox", `UPDATE outbox
		SET state = 'sending', lease_until = $2, attempts = attempts + 1
		WHERE id IN (
			SELECT id FROM outbox
			WHERE (state = 'pending' AND next_attempt_at <= $1
			       AND NOT EXISTS (SELECT 1 FROM outbox_folds f WHERE f.outbox_id = outbox.id))
			   OR (state = 'sending' AND lease_until < $1)
			ORDER BY id LIMIT $3`+s.d.skipLocked()+`)
		RETURNING `+outboxColumns, s.d.time(now), s.d.time(now.Add(lease)), limit)
}

// claim runs a claiming UPDATE … RETURNING and returns the messages it
// claimed, oldest first.
func (s *Store) claim(ctx context.Context, what, q string, args ...any) ([]cases.OutboxItem, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	items, err := collectOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	// RETURNING promises no order.
	sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	return items, nil
}

func collectOutbox(rows *sql.Rows) ([]cases.OutboxItem, error) {
	defer rows.Close()
	var items []cases.OutboxItem
	for rows.Next() {
		it, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

// RenewOutbox extends the lease of a message claimed as its attempt-th try
// to until, and reports whether that claim still held it: a message to
// several addresses that needs more than one lease is kept from another
// replica's claim while it is being sent. A lease that ran out but that
// no one else claimed since is still this claim's to renew.
func (s *Store) RenewOutbox(ctx context.Context, id int64, attempt int, until time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET lease_until = $3
		WHERE id = $1 AND state = 'sending' AND attempts = $2`, id, attempt, s.d.time(until))
	if err != nil {
		return false, fmt.Errorf("renew lease of message %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("renew lease of message %d: %w", id, err)
	}
	return n == 1, nil
}

// MarkSent records a delivery. A message already marked sent keeps its
// first record (a reclaimed lease can deliver twice; the first one counts).
func (s *Store) MarkSent(ctx context.Context, id int64, platform, platformMsgID string, now time.Time) error {
	return s.markOutbox(ctx, "mark sent", id, `UPDATE outbox
		SET state = 'sent', sent_at = $2, platform = $3, platform_msg_id = $4, lease_until = NULL, last_error = ''
		WHERE id = $1 AND state <> 'sent'`, id, s.d.time(now), platform, platformMsgID)
}

// MarkRetry puts a message claimed as its attempt-th try back to pending,
// due again at next. A message no longer so claimed is left as it is:
// another replica took over its lease, and may be sending it now, or
// finished. Letting a stale claim release it would let a third replica
// send it beside the second.
func (s *Store) MarkRetry(ctx context.Context, id int64, attempt int, errText string, next time.Time) error {
	return s.markOutbox(ctx, "mark retry", id, `UPDATE outbox
		SET state = 'pending', next_attempt_at = $3, last_error = $2, lease_until = NULL
		WHERE id = $1 AND state = 'sending' AND attempts = $4`, id, errText, s.d.time(next), attempt)
}

// MarkDead gives up on a message claimed as its attempt-th try: its
// attempts are used up or the platform refused it for good. Like
// MarkRetry, it only touches the message while that claim holds it.
func (s *Store) MarkDead(ctx context.Context, id int64, attempt int, errText string, now time.Time) error {
	return s.markOutbox(ctx, "mark dead", id, `UPDATE outbox
		SET state = 'dead', last_error = $2, dead_at = $3, lease_until = NULL
		WHERE id = $1 AND state = 'sending' AND attempts = $4`, id, errText, s.d.time(now), attempt)
}

// markOutbox runs an update of message id; ErrNotFound if there is no such
// message, nil if the update's condition kept it as it was.
func (s *Store) markOutbox(ctx context.Context, what string, id int64, q string, args ...any) error {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s message %d: %w", what, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s message %d: %w", what, id, err)
	}
	if n > 0 {
		return nil
	}
	var one int
	err = s.db.QueryRowContext(ctx, `SELECT 1 FROM outbox WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s message %d: %w", what, id, cases.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s message %d: %w", what, id, err)
	}
	return nil
}

// OutboxCounts returns how many messages wait (pending, sending) and how
// many are dead, each present (zero included), for metrics. Sent messages
// are not counted: they only grow, and jiesu_outbox_deliveries_total counts
// them as they go. Each part reads its partial index (outbox_due,
// outbox_dead), never the sent rows.
func (s *Store) OutboxCounts(ctx context.Context) (map[cases.OutboxState]int, error) {
	counts := map[cases.OutboxState]int{cases.OutboxPending: 0, cases.OutboxSending: 0, cases.OutboxDead: 0}
	rows, err := s.db.QueryContext(ctx, `SELECT state, count(*) FROM outbox WHERE state IN ('pending', 'sending') GROUP BY state
		UNION ALL SELECT 'dead', count(*) FROM outbox WHERE state = 'dead'`)
	if err != nil {
		return nil, fmt.Errorf("count outbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st cases.OutboxState
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count outbox: %w", err)
		}
		counts[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count outbox: %w", err)
	}
	return counts, nil
}

// ListOutbox returns the messages queued for a case, oldest first.
func (s *Store) ListOutbox(ctx context.Context, caseID int64) ([]cases.OutboxItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("outbox of case %d: %w", caseID, err)
	}
	items, err := collectOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("outbox of case %d: %w", caseID, err)
	}
	return items, nil
}
