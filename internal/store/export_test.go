package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jiesu/jiesu/internal/cases"
)

// DBForTest exposes the pool to this package's external tests (the bare
// insert benchmark and schema checks).
func (s *Store) DBForTest() *sql.DB { return s.db }

// BatchResult is what a registration batch did with one registration.
type BatchResult struct {
	Wrote   bool // committed
	Company bool // left to the company path
	Alone   bool // the batch failed: left to write alone
	Number  int  // its number of the day; 0: none taken
}

// MergedForTest is the text of each statement a registration batch of
// outs sends to write them, the guard left out; ids and numbers are made up.
func (s *Store) MergedForTest(outs []cases.Outcome) ([]string, error) {
	batch, err := s.registrationsForTest(outs, createOptions{})
	if err != nil {
		return nil, err
	}
	for i, reg := range batch {
		reg.r.id, reg.r.seq = int64(i+1), i+1
	}
	stmts, _ := s.writeStmts(batch)
	for _, reg := range batch {
		if reg.err != nil {
			return nil, reg.err
		}
	}
	var texts []string
	for _, st := range stmts {
		if !st.empty() {
			texts = append(texts, st.q)
		}
	}
	return texts, nil
}

// BatchSlotsForTest is how many registration batches may be in flight.
const BatchSlotsForTest = batchSlots

// RegisterBatchForTest runs outs as one registration batch, as the batcher
// does with registrations that arrive together, and says what it did with
// each.
func (s *Store) RegisterBatchForTest(ctx context.Context, outs []cases.Outcome, opts ...CreateOption) ([]BatchResult, error) {
	var o createOptions
	for _, opt := range opts {
		opt(&o)
	}
	batch, err := s.registrationsForTest(outs, o)
	if err != nil {
		return nil, err
	}
	s.registerBatch(ctx, batch)
	var res []BatchResult
	for _, reg := range batch {
		if reg.err != nil {
			return nil, fmt.Errorf("batch: %w", reg.err)
		}
		res = append(res, BatchResult{Wrote: reg.wrote, Company: reg.r.company, Alone: reg.alone, Number: reg.r.seq})
	}
	return res, nil
}

// registrationsForTest are outs as the batcher holds them before a batch
// takes them, without idempotency keys.
func (s *Store) registrationsForTest(outs []cases.Outcome, o createOptions) ([]*registration, error) {
	batch := make([]*registration, len(outs))
	for i, out := range outs {
		args, err := s.caseArgs(out.Case)
		if err != nil {
			return nil, err
		}
		batch[i] = &registration{out: out, args: append(args, "", ""), o: o, alone: true, done: make(chan struct{})}
	}
	return batch, nil
}

// HoldIncidentOpeningForTest registers outs, grouped, in one transaction,
// as a registration opening their incident does, and holds it, with the
// key's lock, until commit is called. It returns the cases' ids.
func (s *Store) HoldIncidentOpeningForTest(ctx context.Context, outs []cases.Outcome, g Grouping) (ids []int64, commit func() error, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	for i, out := range outs {
		args, err := s.caseArgs(out.Case)
		if err == nil {
			var c cases.Case
			c, err = s.insertCase(ctx, tx, out, append(args, "", ""), 0, fmt.Sprintf("JS-HELD-%d", i), createOptions{group: &g})
			ids = append(ids, c.ID)
		}
		if err != nil {
			tx.Rollback()
			return nil, nil, err
		}
	}
	return ids, tx.Commit, nil
}

// KeyLockWaitersForTest counts the registrations waiting for k's lock.
func (s *Store) KeyLockWaitersForTest(ctx context.Context, k cases.GroupKey) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks, (SELECT `+keyLock("$1")+` AS key) AS l
		WHERE locktype = 'advisory' AND NOT granted
			AND classid::bigint = (l.key >> 32) & 4294967295 AND objid::bigint = l.key & 4294967295`, k.String()).Scan(&n)
	return n, err
}
