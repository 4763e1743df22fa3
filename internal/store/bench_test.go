package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// benchParallelism × GOMAXPROCS goroutines drive the parallel variants:
// requests wait on I/O, not CPU, so a server sees more callers than cores.
const benchParallelism = 8

// forEachBenchBackend runs fn on a fresh store of each backend, with the
// serial and parallel variants as sub-benchmarks of fn's own making.
func forEachBenchBackend(b *testing.B, fn func(b *testing.B, s *store.Store)) {
	b.Run(store.DialectSQLite, func(b *testing.B) { fn(b, storetest.NewSQLite(b)) })
	b.Run(store.DialectPostgres, func(b *testing.B) { fn(b, storetest.NewPostgres(b)) })
}

// serialAndParallel runs op b.N times in one goroutine ("serial") and spread
// over many ("parallel"), and reports operations per second besides ns/op.
func serialAndParallel(b *testing.B, setup func(b *testing.B), op func(b *testing.B, worker func() int) error) {
	b.Run("serial", func(b *testing.B) {
		setup(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := op(b, func() int { return 0 }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	})
	b.Run("parallel", func(b *testing.B) {
		setup(b)
		var workers atomic.Int64
		b.SetParallelism(benchParallelism)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			w := int(workers.Add(1) - 1)
			for pb.Next() {
				if err := op(b, func() int { return w }); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	})
}

// BenchmarkCreateCase measures CreateCase of a dispatched case: the case,
// two events and one message, numbered on one day, so every creator passes
// through the day counter's row lock.
func BenchmarkCreateCase(b *testing.B) {
	forEachBenchBackend(b, func(b *testing.B, s *store.Store) {
		out := storetest.NewCase(b, at(0), "logistics")
		ctx := context.Background()
		serialAndParallel(b, func(*testing.B) {}, func(b *testing.B, _ func() int) error {
			_, _, err := s.CreateCase(ctx, out, store.CreateKey{})
			return err
		})
	})
}

// BenchmarkApplyOutcome measures a transition: the case update, its event
// and its outbox message in one transaction. Each worker moves its own case
// (as different requests move different cases), re-applying an accept at
// the next version each time.
func BenchmarkApplyOutcome(b *testing.B) {
	forEachBenchBackend(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		const maxWorkers = 256
		var (
			outs     []cases.Outcome
			versions []int
		)
		setup := func(b *testing.B) {
			outs, versions = make([]cases.Outcome, maxWorkers), make([]int, maxWorkers)
			for w := range maxWorkers {
				c := storetest.Create(b, s, storetest.NewCase(b, at(0), "logistics"))
				outs[w] = storetest.Apply(b, c, storetest.Handler("logistics", "m-1"), cases.Command{Action: cases.ActionAccept}, at(time.Minute))
				versions[w] = c.Version
			}
		}
		serialAndParallel(b, setup, func(b *testing.B, worker func() int) error {
			w := worker()
			out := outs[w]
			out.Case.Version = versions[w] + 1
			if err := s.ApplyOutcome(ctx, versions[w], out); err != nil {
				return err
			}
			versions[w]++
			return nil
		})
	})
}

// BenchmarkBareInsert is the floor to compare with: one single-row INSERT,
// autocommitted, into a one-table scratch table through the same pool.
func BenchmarkBareInsert(b *testing.B) {
	forEachBenchBackend(b, func(b *testing.B, s *store.Store) {
		db := s.DBForTest()
		ddl := `CREATE TABLE scratch (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL)`
		if s.Dialect() == store.DialectPostgres {
			ddl = `CREATE TABLE scratch (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text NOT NULL)`
		}
		if _, err := db.Exec(ddl); err != nil {
			b.Fatal(err)
		}
		serialAndParallel(b, func(*testing.B) {}, func(b *testing.B, _ func() int) error {
			_, err := db.Exec(`INSERT INTO scratch (v) VALUES ($1)`, "x")
			return err
		})
	})
}
