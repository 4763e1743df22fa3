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

// RegisterBatchForTest runs outs as one registration batch, as the batcher
// does with registrations that arrive together, and says what it did with
// each.
func (s *Store) RegisterBatchForTest(ctx context.Context, outs []cases.Outcome, opts ...CreateOption) ([]BatchResult, error) {
	var o createOptions
	for _, opt := range opts {
		opt(&o)
	}
	batch := make([]*registration, len(outs))
	for i, out := range outs {
		args, err := s.caseArgs(out.Case)
		if err != nil {
			return nil, err
		}
		batch[i] = &registration{out: out, args: append(args, "", ""), o: o, alone: true, done: make(chan struct{})}
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
