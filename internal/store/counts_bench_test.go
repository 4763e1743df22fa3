package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// benchCases is the history a scrape runs against: 100k cases, one in ten
// still open, as a school's few years of complaints would be.
const benchCases = 100_000

// seedHistory writes n cases straight in SQL (registering 100k through the
// store would take minutes): every tenth open, the rest closed, tiers in
// turn, some of the open ones late.
func seedHistory(b *testing.B, s *store.Store, n int) time.Time {
	b.Helper()
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	series := `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %d) SELECT i FROM g`
	ts := func(expr string) string {
		return `strftime('%Y-%m-%dT%H:%M:%S', '2026-01-01', '+' || (` + expr + `) || ' minutes') || '.000000Z'`
	}
	if s.Dialect() == store.DialectPostgres {
		series = `SELECT i FROM generate_series(1, %d) AS g(i)`
		ts = func(expr string) string {
			return `timestamptz '2026-01-01 00:00:00+00' + make_interval(mins => (` + expr + `)::int)`
		}
	}
	q := `INSERT INTO cases (number, channel, content, tier, state, registered_at, updated_at, resolve_by, version)
		SELECT 'B' || i, 'web', 'content', (CASE i % 3 WHEN 0 THEN 'urgent' WHEN 1 THEN 'essential' ELSE 'general' END),
			(CASE WHEN i % 10 = 0 THEN 'dispatched' ELSE 'closed' END), ` + ts("i * 4") + `, ` + ts("i * 4") + `, ` + ts("i * 4 + 1440") + `, 1
		FROM (` + fmt.Sprintf(series, n) + `) AS s`
	if _, err := s.DBForTest().ExecContext(context.Background(), q); err != nil {
		b.Fatal(err)
	}
	if s.Dialect() == store.DialectPostgres {
		_, _ = s.DBForTest().ExecContext(context.Background(), `ANALYZE cases`)
	} else {
		_, _ = s.DBForTest().ExecContext(context.Background(), `ANALYZE`)
	}
	return now
}

// BenchmarkScrapeCaseCounts compares what a scrape asked of the store
// before (every case counted by state) with what it asks now (open cases
// by tier, with the overdue ones).
func BenchmarkScrapeCaseCounts(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			var s *store.Store
			if backend == "sqlite" {
				s = storetest.NewSQLite(b)
			} else {
				s = storetest.NewPostgres(b)
			}
			now := seedHistory(b, s, benchCases)
			ctx := context.Background()
			b.Run("by_state_whole_table", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.CountCasesByState(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("open_by_tier", func(b *testing.B) {
				for b.Loop() {
					n, err := s.CountOpenCases(ctx, now)
					if err != nil {
						b.Fatal(err)
					}
					if n["urgent"].Open == 0 {
						b.Fatal("no open urgent case counted")
					}
				}
			})
		})
	}
}
