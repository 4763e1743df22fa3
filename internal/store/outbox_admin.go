package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// Actions of outbox_events: what a person did to a message by hand.
const (
	OutboxActionRetry = "retry"
	OutboxActionDrop  = "drop"
)

// retryBatch is how many dead messages RetryDeadOutbox moves per
// transaction: each one's retry and audit row commit together, and a large
// backlog does not hold one transaction open for all of it.
const retryBatch = 200

// OutboxFilter selects messages for jiesu outbox list and the API, oldest
// first. Zero fields do not filter.
type OutboxFilter struct {
	State     cases.OutboxState
	CaseID    int64
	DeadSince time.Time // only messages that went dead at or after this instant
	After     int64     // only ids above this, to page on
	Limit     int       // default DefaultListLimit, at most MaxListLimit
}

// OutboxAct is a change to a message made by hand: who, when, and why.
type OutboxAct struct {
	Actor string // a member id, or "cli:<user>" for the command line
	At    time.Time
	Note  string
}

// OutboxEvent is one row of a message's audit trail.
type OutboxEvent struct {
	OutboxID  int64
	Action    string
	Actor     string
	At        time.Time
	FromState cases.OutboxState
	Note      string
}

// FindOutbox returns the messages f selects, oldest first.
func (s *Store) FindOutbox(ctx context.Context, f OutboxFilter) ([]cases.OutboxItem, error) {
	var w where
	if f.State != "" {
		w.add(`state = ` + w.arg(string(f.State)))
	}
	if f.CaseID != 0 {
		w.add(`case_id = ` + w.arg(f.CaseID))
	}
	if !f.DeadSince.IsZero() {
		w.add(`dead_at >= ` + w.arg(s.d.time(f.DeadSince)))
	}
	if f.After > 0 {
		w.add(`id > ` + w.arg(f.After))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = cases.DefaultListLimit
	}
	q := `SELECT ` + outboxColumns + ` FROM outbox ` + w.String() + ` ORDER BY id LIMIT ` + w.arg(min(limit, cases.MaxListLimit))
	rows, err := s.db.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	items, err := collectOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return items, nil
}

// RetryOutbox puts dead message id back to pending, due at act.At with its
// attempts counted from zero again, and records who did it. ErrNotFound if
// there is no such message, ErrOutboxState if it is not dead.
func (s *Store) RetryOutbox(ctx context.Context, id int64, act OutboxAct) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.retryOne(ctx, tx, id, act) })
}

// RetryDeadOutbox retries every dead message that went dead at or after
// since (every one when since is zero) as RetryOutbox does, and returns
// their ids.
func (s *Store) RetryDeadOutbox(ctx context.Context, since time.Time, act OutboxAct) ([]int64, error) {
	var done []int64
	for {
		batch, err := s.FindOutbox(ctx, OutboxFilter{State: cases.OutboxDead, DeadSince: since, Limit: retryBatch})
		if err != nil {
			return done, err
		}
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			for _, it := range batch {
				if err := s.retryOne(ctx, tx, it.ID, act); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		for _, it := range batch {
			done = append(done, it.ID)
		}
		if len(batch) < retryBatch {
			return done, nil
		}
	}
}

func (s *Store) retryOne(ctx context.Context, tx *sql.Tx, id int64, act OutboxAct) error {
	return s.actOnOutbox(ctx, tx, id, OutboxActionRetry, []cases.OutboxState{cases.OutboxDead}, act, `UPDATE outbox
		SET state = 'pending', attempts = 0, next_attempt_at = $3, dead_at = NULL, lease_until = NULL
		WHERE id = $1 AND state = $2`, s.d.time(act.At))
}

// DropOutbox gives up for good on message id, dead or still pending, and
// records who did it: it is never sent, and never queued again. A message
// being sent cannot be dropped; sent ones have nothing left to drop.
// ErrNotFound if there is no such message, ErrOutboxState if it is in
// neither state.
func (s *Store) DropOutbox(ctx context.Context, id int64, act OutboxAct) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.actOnOutbox(ctx, tx, id, OutboxActionDrop, []cases.OutboxState{cases.OutboxDead, cases.OutboxPending}, act, `UPDATE outbox
			SET state = 'dropped', lease_until = NULL
			WHERE id = $1 AND state = $2`)
	})
}

// actOnOutbox runs update (with $1 the id, $2 the state it was read in,
// then args) on message id if its state is one of from, and appends the
// audit row in the same transaction. The update's state condition catches
// a message that a delivery moved between the read and the write.
func (s *Store) actOnOutbox(ctx context.Context, tx *sql.Tx, id int64, action string, from []cases.OutboxState, act OutboxAct, update string, args ...any) error {
	var state cases.OutboxState
	err := tx.QueryRowContext(ctx, `SELECT state FROM outbox WHERE id = $1`, id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s message %d: %w", action, id, cases.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s message %d: %w", action, id, err)
	}
	if !slices.Contains(from, state) {
		return fmt.Errorf("%s message %d: it is %s: %w", action, id, state, cases.ErrOutboxState)
	}
	res, err := tx.ExecContext(ctx, update, append([]any{id, string(state)}, args...)...)
	if err != nil {
		return fmt.Errorf("%s message %d: %w", action, id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("%s message %d: it changed meanwhile: %w", action, id, cases.ErrOutboxState)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_events (outbox_id, action, actor, at, from_state, note)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, action, act.Actor, s.d.time(act.At), string(state), act.Note); err != nil {
		return fmt.Errorf("%s message %d: audit: %w", action, id, err)
	}
	return nil
}

// OutboxEvents returns the audit trail of message id, oldest first.
func (s *Store) OutboxEvents(ctx context.Context, id int64) ([]OutboxEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT outbox_id, action, actor, at, from_state, note
		FROM outbox_events WHERE outbox_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("audit of message %d: %w", id, err)
	}
	defer rows.Close()
	var evs []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		if err := rows.Scan(&e.OutboxID, &e.Action, &e.Actor, timeCol{&e.At}, &e.FromState, &e.Note); err != nil {
			return nil, fmt.Errorf("audit of message %d: %w", id, err)
		}
		evs = append(evs, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit of message %d: %w", id, err)
	}
	return evs, nil
}
