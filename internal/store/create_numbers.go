package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// numberBlock is how many case ids and numbers a PostgreSQL store takes
// from the database at a time. Taking them ahead is what lets a
// registration be one round trip; the price is that numbers taken but not
// used (the store stops, a registration fails, the day ends) are skipped,
// and that two replicas hand out numbers of one day in interleaved blocks
// rather than strictly in order of registration. Sixteen keeps a restart's
// skip small while sparing all but one registration in sixteen the trip.
const numberBlock = 16

// numbered is a case id with the sequence part of its day's number.
type numbered struct {
	id  int64
	seq int
}

// numbers hands out ids and case numbers taken ahead. Only the ids of one
// day are kept: a registration of another day drops them and takes anew.
type numbers struct {
	s *Store

	mu   sync.Mutex
	day  string
	free []numbered // in the order they are to be used
}

// take returns n ids with numbers of day, fetching when it holds too few:
// what is missing and a block more, in one round trip. The lock is held
// across the fetch so that concurrent takers wait for it instead of all
// fetching at once.
func (ns *numbers) take(ctx context.Context, day string, n int) ([]numbered, error) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if day != ns.day {
		ns.day, ns.free = day, nil
	}
	if len(ns.free) < n {
		more, err := ns.s.fetchNumbers(ctx, day, n-len(ns.free)+numberBlock)
		if err != nil {
			return nil, err
		}
		ns.free = append(ns.free, more...)
	}
	got := slices.Clone(ns.free[:n])
	ns.free = slices.Delete(ns.free, 0, n)
	return got, nil
}

// fetchNumbers takes n ids and numbers of day from the database, in
// order of number. jiesu_next_case_number commits them without waiting for
// the disk: a case that uses one commits after, and its commit flushes the
// WAL before it, sequences included.
func (s *Store) fetchNumbers(ctx context.Context, day string, n int) ([]numbered, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence('cases', 'id')), jiesu_next_case_number($1)
		FROM generate_series(1, $2)`, day, n)
	if err != nil {
		return nil, fmt.Errorf("take case numbers: %w", err)
	}
	defer rows.Close()
	out := make([]numbered, 0, n)
	for rows.Next() {
		var x numbered
		if err := rows.Scan(&x.id, &x.seq); err != nil {
			return nil, fmt.Errorf("take case numbers: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("take case numbers: %w", err)
	}
	slices.SortFunc(out, func(a, b numbered) int { return a.seq - b.seq })
	return out, nil
}

// dropBatch is how many number sequences one statement drops: a backlog
// (a year's, the first time) goes in several short transactions.
const dropBatch = 50

// DropNumberSequences drops the case number sequences of days before the
// one before now's (in Asia/Shanghai), which no registration uses any
// more, and returns how many it dropped: on PostgreSQL every day has its
// own (migration 0005), and they would otherwise accumulate. SQLite
// numbers from counter rows and drops nothing.
func (s *Store) DropNumberSequences(ctx context.Context, now time.Time) (int, error) {
	if s.d.name != DialectPostgres {
		return 0, nil
	}
	// Shanghai keeps no daylight saving time: 24 hours back is yesterday.
	before := cases.Day(now.Add(-24 * time.Hour))
	total := 0
	for {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT jiesu_drop_case_number_sequences($1, $2)`, before, dropBatch).Scan(&n); err != nil {
			return total, fmt.Errorf("drop case number sequences before %s: %w", before, err)
		}
		total += n
		if n < dropBatch {
			return total, nil
		}
	}
}
