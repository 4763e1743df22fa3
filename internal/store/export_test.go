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

// RegisterBatchForTest runs outs as one registration batch, as the batcher
// does with registrations that arrive together, and says of each whether
// the batch wrote it or left it to the company path.
func (s *Store) RegisterBatchForTest(ctx context.Context, outs []cases.Outcome, opts ...CreateOption) (wrote, company []bool, err error) {
	var o createOptions
	for _, opt := range opts {
		opt(&o)
	}
	batch := make([]*registration, len(outs))
	for i, out := range outs {
		args, err := s.caseArgs(out.Case)
		if err != nil {
			return nil, nil, err
		}
		batch[i] = &registration{out: out, args: append(args, "", ""), o: o, done: make(chan struct{})}
	}
	s.registerBatch(ctx, batch)
	for _, reg := range batch {
		if reg.err != nil || reg.alone {
			return nil, nil, fmt.Errorf("batch failed: %v", reg.err)
		}
		wrote, company = append(wrote, reg.wrote), append(company, reg.r.company)
	}
	return wrote, company, nil
}
