package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// Registrations of one day take turns at the day's counter row, which
// each holds until its commit. One at a time, a burst would queue behind
// every commit's wait for the disk; so registrations that arrive while one
// is being written leave together, in one transaction and one commit
// (group commit, the way PostgreSQL does it for WAL flushes, one level
// up). A registration alone goes at once. On both databases the same:
// SQLite has one writer anyway.
const (
	// maxBatch bounds a batch, so that one slow batch holds few cases.
	maxBatch = 64
	// batchTimeout bounds a batch's database work, which runs on behalf of
	// several requests and so follows none of their contexts.
	batchTimeout = 30 * time.Second
)

// registration is one CreateCase waiting for its batch.
type registration struct {
	out  cases.Outcome
	args []any
	o    createOptions

	taken bool          // a batch has it; guarded by batcher.mu
	done  chan struct{} // closed when c and err are set
	c     cases.Case
	err   error // errDuplicate: nothing written, a duplicate is there
}

// batcher gathers registrations: whoever finds no batch in flight takes
// every registration waiting at that moment and writes them.
type batcher struct {
	s    *Store
	turn chan struct{} // holds the batch in flight

	mu      sync.Mutex
	pending []*registration
}

func newBatcher(s *Store) *batcher {
	return &batcher{s: s, turn: make(chan struct{}, 1)}
}

// register writes the case in a batch and returns it as written, or
// errDuplicate when its channel reference or key named a case already.
func (b *batcher) register(ctx context.Context, out cases.Outcome, args []any, o createOptions) (cases.Case, error) {
	if err := ctx.Err(); err != nil {
		return cases.Case{}, err
	}
	reg := &registration{out: out, args: args, o: o, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, reg)
	b.mu.Unlock()
	for {
		select {
		case <-reg.done:
			return reg.c, reg.err
		case b.turn <- struct{}{}:
			func() {
				defer func() { <-b.turn }()
				b.run()
			}()
		case <-ctx.Done():
			b.mu.Lock()
			taken := reg.taken
			if !taken {
				b.pending = removeReg(b.pending, reg)
			}
			b.mu.Unlock()
			if !taken {
				return cases.Case{}, ctx.Err()
			}
			// Its batch runs without our context; wait for its verdict so
			// that we never report as failed a case that was committed.
			<-reg.done
			return reg.c, reg.err
		}
	}
}

// run takes what is waiting, up to maxBatch, and writes it as one batch.
func (b *batcher) run() {
	b.mu.Lock()
	n := min(len(b.pending), maxBatch)
	batch := append([]*registration(nil), b.pending[:n]...)
	b.pending = append(b.pending[:0], b.pending[n:]...)
	for _, reg := range batch {
		reg.taken = true
	}
	b.mu.Unlock()
	defer func() {
		// A panic must not let a waiting registration read a case from a
		// transaction that was rolled back as a case that was committed.
		p := recover()
		for _, reg := range batch {
			if p != nil {
				reg.c, reg.err = cases.Case{}, fmt.Errorf("register: the batch failed: %v", p)
			}
			close(reg.done)
		}
		if p != nil {
			panic(p)
		}
	}()
	if len(batch) == 0 {
		return
	}
	err := b.s.writeBatchWithin(batch)
	switch {
	case err == nil:
	case len(batch) == 1 || errors.Is(err, errCommit):
		// A commit that failed may have written the batch all the same:
		// writing its cases again could make a case twice (one without
		// a channel reference or key has nothing to find it by), so each
		// learns the error and its caller decides.
		for _, reg := range batch {
			reg.c, reg.err = cases.Case{}, err
		}
	default:
		// One registration's failure must not be everyone's: each goes
		// again alone, with time of its own.
		for _, reg := range batch {
			if err := b.s.writeBatchWithin([]*registration{reg}); err != nil {
				reg.err = err
			}
		}
	}
}

// writeBatchWithin writes batch within batchTimeout: a batch runs on
// behalf of several requests and so follows none of their contexts.
func (s *Store) writeBatchWithin(batch []*registration) error {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	return s.writeBatch(ctx, batch)
}

func removeReg(list []*registration, reg *registration) []*registration {
	for i, x := range list {
		if x == reg {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}
