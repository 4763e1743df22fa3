package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/jiesu/jiesu/internal/cases"
)

// Registration batching on PostgreSQL. Concurrent registrations share
// their round trips and their commit: whoever finds a free slot takes every
// registration waiting at that moment and runs both steps of
// createPostgres for all of them at once. Nothing waits for company: a
// registration alone, with a slot free, goes at once, as before; only when
// every slot is busy do registrations queue, and then they leave together.
// This is group commit, the way PostgreSQL does it for WAL flushes, one
// level up, where it also saves the statements' round trips and most of
// the per-transaction work.
const (
	// batchSlots is how many batches may be in flight at once: enough that
	// a few registrations at a time never wait for each other, few enough
	// that under load they gather into batches.
	batchSlots = 4
	// maxBatch bounds a batch, so that one slow batch holds few cases.
	maxBatch = 64
	// batchTimeout bounds a batch's database work, which runs on behalf of
	// several requests and so follows none of their contexts.
	batchTimeout = 30 * time.Second
)

// registration is one CreateCase waiting for a batch.
type registration struct {
	out  cases.Outcome
	args []any
	key  CreateKey
	o    createOptions

	taken bool          // a batch has it; guarded by batcher.mu
	done  chan struct{} // closed when the fields below are set
	r     reservation
	wrote bool // the case is committed with r's id and number
	alone bool // the batch failed as a whole: reserve again, alone
	err   error
}

type batcher struct {
	s     *Store
	slots chan struct{}

	mu      sync.Mutex
	pending []*registration
}

func newBatcher(s *Store) *batcher {
	return &batcher{s: s, slots: make(chan struct{}, batchSlots)}
}

// register reserves c's id and number and, when the case is a plain one,
// writes it. It returns the registration, done: wrote false with no error
// leaves the write to the caller, since the case has a duplicate
// (r.existing) or company for an incident (r.company), or its batch failed
// as a whole (alone), when the caller reserves for it by itself, so that
// one registration's failure is not everyone's.
func (b *batcher) register(ctx context.Context, out cases.Outcome, args []any, key CreateKey, o createOptions) (*registration, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	reg := &registration{out: out, args: args, key: key, o: o, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, reg)
	b.mu.Unlock()
	for {
		b.mu.Lock()
		taken := reg.taken
		b.mu.Unlock()
		if taken {
			// Its batch runs without our context; wait for its verdict so
			// that we never report as failed a case that was committed.
			<-reg.done
			return reg, reg.err
		}
		select {
		case <-reg.done:
			return reg, reg.err
		case b.slots <- struct{}{}:
			func() {
				defer func() { <-b.slots }()
				b.run()
			}()
		case <-ctx.Done():
			b.mu.Lock()
			if !reg.taken {
				b.pending = removeReg(b.pending, reg)
				b.mu.Unlock()
				return nil, ctx.Err()
			}
			b.mu.Unlock()
		}
	}
}

// run takes what is waiting, up to maxBatch, and handles it as one batch.
func (b *batcher) run() {
	b.mu.Lock()
	n := min(len(b.pending), maxBatch)
	batch := append([]*registration(nil), b.pending[:n]...)
	b.pending = append(b.pending[:0], b.pending[n:]...)
	for _, reg := range batch {
		// Until the batch says otherwise, each is left to reserve alone:
		// also what a panic below leaves them with.
		reg.taken, reg.alone = true, true
	}
	b.mu.Unlock()
	defer func() {
		for _, reg := range batch {
			close(reg.done)
		}
	}()
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	b.s.registerBatch(ctx, batch)
}

func removeReg(list []*registration, reg *registration) []*registration {
	for i, x := range list {
		if x == reg {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// registerBatch reserves for every registration in one round trip, then
// writes the plain ones in another, in one implicit transaction. A
// failure of the write leaves every case of it to its own caller, with
// its reservation: one case's conflict must not fail the others.
func (s *Store) registerBatch(ctx context.Context, batch []*registration) {
	err := s.withPgx(ctx, func(conn *pgx.Conn) error {
		rb := &pgx.Batch{}
		for _, reg := range batch {
			q, args := s.reserveStmt(reg.out.Case, reg.key, reg.o)
			rb.Queue(q, args...)
		}
		res := conn.SendBatch(ctx, rb)
		for _, reg := range batch {
			var err error
			if reg.r, err = scanReservation(res.QueryRow()); err != nil {
				res.Close()
				return fmt.Errorf("reserve: %w", err)
			}
			reg.alone = false
		}
		if err := res.Close(); err != nil {
			return fmt.Errorf("reserve: %w", err)
		}
		var stmts []stmt
		var plain []*registration
		keys := map[GroupKey]bool{}
		for _, reg := range batch {
			// Cases of one key in one batch did not see each other when
			// they looked for company: all but the first take the company
			// path after the batch, when the first is committed and can be
			// their peer. (Two batches in flight at once can still miss each
			// other, as two registrations committing at one instant can.)
			if k, ok := reg.o.groupKey(reg.out.Case); ok {
				reg.r.company = reg.r.company || keys[k]
				keys[k] = true
			}
			if reg.r.existing != 0 || reg.r.company {
				continue
			}
			c := reg.out.Case
			c.ID, c.Number = reg.r.id, cases.Number(c.RegisteredAt, reg.r.seq)
			st, err := s.newCaseStmts(c, reg.out, reg.args)
			if err != nil {
				reg.err = err
				continue
			}
			stmts = append(stmts, st...)
			plain = append(plain, reg)
		}
		if len(plain) == 0 {
			return nil
		}
		if err := sendAll(ctx, conn, stmts); err != nil {
			// Not fatal: each caller writes its own case alone next.
			return nil
		}
		for _, reg := range plain {
			reg.wrote = true
		}
		return nil
	})
	if err != nil {
		for _, reg := range batch {
			reg.r, reg.wrote, reg.alone = reservation{}, false, true
		}
	}
}

// withPgx runs fn on one pooled connection's pgx.Conn, for what
// database/sql cannot say: pipelines.
func (s *Store) withPgx(ctx context.Context, fn func(*pgx.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("%T is not a pgx connection", dc)
		}
		return fn(c.Conn())
	})
}

// sendAll sends stmts in one round trip and one implicit transaction.
func sendAll(ctx context.Context, conn *pgx.Conn, stmts []stmt) error {
	b := &pgx.Batch{}
	for _, st := range stmts {
		if !st.empty() {
			b.Queue(st.q, st.args...)
		}
	}
	return conn.SendBatch(ctx, b).Close()
}
