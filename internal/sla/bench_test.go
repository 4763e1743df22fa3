package sla_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// benchOpen is how many cases of a benchmark's database are on the clock;
// the rest are closed.
const benchOpen = 10_000

// fillCases writes total cases into the schema behind url with one
// generate_series each: total-benchOpen closed ones, and benchOpen open
// ones of every tier and every state on the clock, dispatched at ages up
// to one and a half times their tier's window before now (so a third are
// overdue). Events and messages of the closed cases are left out: the
// sweep never reads them.
func fillCases(b *testing.B, url string, total int, now time.Time) {
	b.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	units := []string{"logistics", "dormitory", "security", "network", "academic_affairs", "finance"}
	unitArray := "(ARRAY['" + strings.Join(units, "','") + "'])"
	closed := `INSERT INTO cases (number, channel, content, category, tier, state, lead_unit, first_handler,
			registered_at, dispatched_at, accepted_at, contacted_at, resolved_at, feedback_at, closed_at, updated_at,
			contact_by, resolve_by, rating, version, sla_next_at)
		SELECT 'JB' || lpad(g::text, 8, '0'), 'web', '宿舍热水不热', 'water_power',
			(ARRAY['urgent','essential','general'])[1 + g % 3], 'closed', ` + unitArray + `[1 + g % 6], 'logistics-ma',
			t, t, t + interval '10 minutes', t + interval '1 hour', t + interval '5 hours', t + interval '5 hours',
			t + interval '3 days', t + interval '3 days', t + interval '2 hours', t + interval '24 hours', 'satisfied', 9, NULL
		FROM generate_series(1, $1) g, LATERAL (SELECT $2::timestamptz - interval '400 days' + (g % 390) * interval '1 day' AS t) x`
	if _, err := db.ExecContext(ctx, closed, total-benchOpen, now); err != nil {
		b.Fatalf("closed cases: %v", err)
	}
	open := `INSERT INTO cases (number, channel, content, category, tier, state, lead_unit, first_handler,
			registered_at, dispatched_at, accepted_at, contacted_at, updated_at, contact_by, resolve_by, version)
		SELECT 'JO' || lpad(g::text, 8, '0'), 'web', '宿舍热水不热', 'water_power', w.tier,
			(ARRAY['dispatched','accepted','contacted','contacted'])[1 + g % 4], ` + unitArray + `[1 + g % 6],
			CASE WHEN g % 4 > 0 THEN 'logistics-ma' ELSE '' END,
			d, d, CASE WHEN g % 4 > 0 THEN d + interval '5 minutes' END, CASE WHEN g % 4 > 1 THEN d + interval '20 minutes' END,
			d, d + w.contact, d + w.resolve, 3
		FROM generate_series(1, $1) g,
		LATERAL (SELECT (ARRAY['urgent','essential','general'])[1 + g % 3] AS tier,
			(ARRAY[interval '30 minutes', interval '2 hours', interval '24 hours'])[1 + g % 3] AS contact,
			(ARRAY[interval '2 hours', interval '24 hours', interval '120 hours'])[1 + g % 3] AS resolve) w,
		LATERAL (SELECT $2::timestamptz - w.resolve * 1.5 * ((g * 7919) % 1000) / 1000.0 AS d) x`
	if _, err := db.ExecContext(ctx, open, benchOpen, now); err != nil {
		b.Fatalf("open cases: %v", err)
	}
	// What autovacuum does on a live database: statistics for the planner
	// and a visibility map for index-only reads.
	if _, err := db.ExecContext(ctx, `VACUUM ANALYZE cases`); err != nil {
		b.Fatal(err)
	}
	// Nor is a live database in the middle of writing out a gigabyte of
	// bulk load. (Needs a superuser, as the tests' role is; without one the
	// first sweeps share the disk with the checkpoint.)
	_, _ = db.ExecContext(ctx, `CHECKPOINT`)
}

// BenchmarkSweep measures one escalation sweep on PostgreSQL with 100,000
// and 1,000,000 cases, 10,000 of them open: cold-ms is the first sweep
// after a deploy (every open case looked at, every step already due
// fired; cold-steps says how many), ms/sweep the median of the sweeps
// after it, 30 s of clock apart as the cron runs them, and late-s the most
// any step fired after it was due (at most one interval). Run it with
//
//	go test -run '^$' -bench BenchmarkSweep -benchtime 20x ./internal/sla/
func BenchmarkSweep(b *testing.B) {
	for _, total := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("cases=%d", total), func(b *testing.B) {
			ctx := context.Background()
			url := storetest.PostgresURL(b)
			st := storetest.Open(b, store.Options{URL: url})
			if err := st.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			now := t0.Add(30 * 24 * time.Hour)
			fillCases(b, url, total, now)
			sweeper, err := sla.NewSweeper(sla.SweeperParams{Store: st, Config: exampleConfig(b)})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			cold, err := sweeper.RunAt(ctx, now)
			coldTook := time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			if cold.Cases != benchOpen {
				b.Fatalf("the cold sweep looked at %d cases, want %d", cold.Cases, benchOpen)
			}
			firstSteady := now
			var took []time.Duration
			fired := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				now = now.Add(30 * time.Second)
				start := time.Now()
				res, err := sweeper.RunAt(ctx, now)
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				fired += res.Fired
			}
			b.StopTimer()
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms/sweep")
			b.ReportMetric(float64(coldTook.Microseconds())/1000, "cold-ms")
			b.ReportMetric(float64(cold.Fired), "cold-steps")
			b.ReportMetric(float64(fired)/float64(b.N), "steps/sweep")
			b.ReportMetric(maxLateness(b, url, firstSteady).Seconds(), "late-s")
		})
	}
}

// maxLateness is the most any step fired after firstSteady was late.
func maxLateness(b *testing.B, url string, after time.Time) time.Duration {
	b.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var secs sql.NullFloat64
	err = db.QueryRowContext(context.Background(), `SELECT max(extract(epoch FROM at - (data->>'due_at')::timestamptz))
		FROM case_events WHERE kind IN ('remind', 'escalate') AND at > $1`, after).Scan(&secs)
	if err != nil {
		b.Fatal(err)
	}
	return time.Duration(secs.Float64 * float64(time.Second))
}
