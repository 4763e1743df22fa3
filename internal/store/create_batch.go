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
// their round trip and their commit: whoever finds a free slot takes every
// registration waiting at that moment and writes all of them at once.
// Nothing waits for company: a registration alone, with a slot free, goes
// at once; only when every slot is busy do registrations queue, and then
// they leave together.
// This is group commit, the way PostgreSQL does it for WAL flushes, one
// level up, where it also saves round trips and most of the
// per-transaction work.
const (
	// batchSlots is how many batches may be in flight at once: two, so that
	// one can be written while the other waits for its commit to reach the
	// disk, and so that under load registrations gather into batches, whose
	// rows go in one INSERT per table (mergeRows). Four made batches of two
	// cases at 16 clients, and fewer cases a second on a 2-core machine (a
	// median of 14 % fewer in interleaved runs; three slots lost too). The
	// price: a batch whose guard waits for a building's lock, held while
	// that building's incident is opened (a few round trips), holds a slot
	// meanwhile, and two such batches hold up every plain registration of
	// this store until an opening commits.
	batchSlots = 2
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
	o    createOptions

	taken bool          // a batch has it; guarded by batcher.mu
	done  chan struct{} // closed when the fields below are set
	r     reservation   // its id and number (0: none taken), and whether it has company
	wrote bool          // the case is committed with r's id and number
	alone bool          // the batch failed: look for a duplicate, then write alone
	err   error
}

type batcher struct {
	s     *Store
	slots chan struct{}
	nums  numbers
	hints companyHints

	mu      sync.Mutex
	pending []*registration
}

func newBatcher(s *Store) *batcher {
	return &batcher{s: s, slots: make(chan struct{}, batchSlots), nums: numbers{s: s}}
}

// register gives the case its id and number and, when it is a plain one,
// writes it. It returns the registration, done: wrote false with no error
// leaves the write to the caller, since the case has company for an
// incident (r.company), or its batch failed (alone), so that one
// registration's failure is not everyone's.
func (b *batcher) register(ctx context.Context, out cases.Outcome, args []any, o createOptions) (*registration, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	reg := &registration{out: out, args: args, o: o, done: make(chan struct{})}
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
		// Until the batch says otherwise, each is left to register alone:
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

// registerBatch gives every registration its id and number, then writes
// the plain ones in one round trip and one implicit transaction. A case
// its guard finds company for is taken out and the rest sent again; any
// other failure of the write leaves every case to its own caller, with its
// number: one case's conflict must not fail the others.
func (s *Store) registerBatch(ctx context.Context, batch []*registration) {
	if err := s.numberBatch(ctx, batch); err != nil {
		return // each caller takes its own number
	}
	keys := map[cases.GroupKey]bool{}
	for _, reg := range batch {
		reg.alone = false
		// Cases of one key in one batch cannot see each other: all but the
		// first take the company path after the batch, when the first is
		// committed and can be their peer. (Two batches in flight at once
		// can still miss each other, as two registrations committing at
		// one instant can.)
		if k, ok := reg.o.groupKey(reg.out.Case); ok {
			reg.r.company = keys[k] || s.batch.hints.has(k, reg.out.Case.RegisteredAt)
			keys[k] = true
		}
	}
	for {
		stmts, plain := s.writeStmts(batch)
		if len(plain) == 0 {
			return
		}
		err := s.withPgx(ctx, func(conn *pgx.Conn) error { return sendAll(ctx, conn, stmts) })
		if err == nil {
			for _, reg := range plain {
				reg.wrote = true
				s.noteCompany(reg.out.Case, reg.o)
			}
			return
		}
		// The guard names every case with company: send the rest again.
		refused, _ := refusedForCompany(err)
		named := 0
		for _, reg := range plain {
			if refused[reg.r.id] {
				reg.r.company = true
				s.noteCompany(reg.out.Case, reg.o)
				named++
			}
		}
		if named == 0 {
			// Not fatal: each caller looks for a duplicate and writes its own
			// case alone next.
			for _, reg := range plain {
				reg.alone = true
			}
			return
		}
	}
}

// writeStmts are what writes the plain registrations of batch (those
// neither with company nor failed) in one implicit transaction: their
// guard, then their rows merged. plain are those registrations; one whose
// statements cannot be built gets its error and is left out.
func (s *Store) writeStmts(batch []*registration) (stmts []stmt, plain []*registration) {
	var perCase [][]stmt
	for _, reg := range batch {
		if reg.r.company || reg.err != nil {
			continue
		}
		c := reg.out.Case
		c.ID, c.Number = reg.r.id, cases.Number(c.RegisteredAt, reg.r.seq)
		st, err := s.newCaseStmts(c, reg.out, reg.args)
		if err != nil {
			reg.err = err
			continue
		}
		perCase = append(perCase, st)
		plain = append(plain, reg)
	}
	if len(plain) == 0 {
		return nil, nil
	}
	return append([]stmt{s.companyGuard(plain)}, mergeRows(s.texts, perCase)...), plain
}

// maxMergedRows bounds the rows of one merged INSERT (see mergeRows): far
// below PostgreSQL's 65,535 arguments for the widest row, a case's.
const maxMergedRows = 64

// mergeRows turns the statements of several cases, each a list of INSERTs
// in one order (case, co-units, events, messages), into one INSERT per
// table for all their rows, so that PostgreSQL starts and checks one
// statement where it would run one per case: most of a row's cost is the
// statement's, not the row's. A table's rows go in INSERTs of 1, 2, 4, ...
// rows, so that however many cases a batch holds, its merged INSERTs have
// at most seven texts per table for a connection to prepare. Tables keep
// their order, so each case is written before what refers to it. The
// merged texts come from texts.
func mergeRows(texts *rowTexts, perCase [][]stmt) []stmt {
	if len(perCase) == 1 {
		return perCase[0] // already one INSERT per table
	}
	type group struct {
		shape rowsShape
		args  []any
		alone stmt // a statement that is not a multi-row INSERT, kept as it is
	}
	var groups []*group
	for pos := 0; ; pos++ {
		more := false
		var here []*group
		for _, sts := range perCase {
			if pos >= len(sts) {
				continue
			}
			more = true
			st := sts[pos]
			if st.empty() {
				continue
			}
			if st.rows.cols == 0 {
				here = append(here, &group{alone: st})
				continue
			}
			var g *group
			for _, h := range here {
				if h.alone.empty() && h.shape == st.rows {
					g = h
				}
			}
			if g == nil {
				g = &group{shape: st.rows, args: make([]any, 0, len(st.args)*len(perCase))}
				here = append(here, g)
			}
			g.args = append(g.args, st.args...)
		}
		if !more {
			break
		}
		groups = append(groups, here...)
	}
	var out []stmt
	for _, g := range groups {
		if !g.alone.empty() {
			out = append(out, g.alone)
		}
		for args := g.args; len(args) > 0; {
			n := 1
			for rows := len(args) / g.shape.cols; n*2 <= rows && n*2 <= maxMergedRows; {
				n *= 2
			}
			out = append(out, insertRows(texts, g.shape, args[:n*g.shape.cols]))
			args = args[n*g.shape.cols:]
		}
	}
	return out
}

// numberBatch gives each registration of batch an id and a number of its
// day, taken ahead.
func (s *Store) numberBatch(ctx context.Context, batch []*registration) error {
	byDay := map[string][]*registration{}
	for _, reg := range batch {
		day := cases.Day(reg.out.Case.RegisteredAt)
		byDay[day] = append(byDay[day], reg)
	}
	for day, regs := range byDay {
		got, err := s.batch.nums.take(ctx, day, len(regs))
		if err != nil {
			return err
		}
		for i, reg := range regs {
			reg.r.id, reg.r.seq = got[i].id, got[i].seq
		}
	}
	return nil
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

// noteCompany remembers that c, registered, gives its key company for the
// window after it.
func (s *Store) noteCompany(c cases.Case, o createOptions) {
	if k, ok := o.groupKey(c); ok {
		s.batch.hints.note(k, c.RegisteredAt, o.group.Window)
	}
}
