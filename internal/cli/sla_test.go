package cli

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// The case-numbers job drops past days' sequences, and tries once a day:
// a sequence of a past day made again later that day (a late case) waits
// for the next day's run.
func TestNumberSequencesJobRunsOnceADay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.MigratedPostgresURL(t)
	st := storetest.Open(t, store.Options{URL: url})
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t0 := storetest.Epoch() // 2026-11-28 09:00 in Shanghai
	storetest.Create(t, st, storetest.NewCase(t, t0, "logistics"))
	exists := func() bool {
		t.Helper()
		var ok bool
		if err := db.QueryRow(`SELECT to_regclass('jiesu_case_number_20261128') IS NOT NULL`).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	job := numberSequences(st, zap.NewNop())
	later := t0.Add(48 * time.Hour)
	if err := job.Run(ctx, later); err != nil {
		t.Fatal(err)
	}
	if exists() {
		t.Fatal("the sequence of two days ago is still there")
	}
	// A case of today, then a late one of that day: the store no longer
	// holds that day's numbers, so it makes the sequence again.
	storetest.Create(t, st, storetest.NewCase(t, later, "logistics"))
	storetest.Create(t, st, storetest.NewCase(t, t0.Add(time.Minute), "logistics"))
	if !exists() {
		t.Fatal("the late case made no sequence")
	}
	if err := job.Run(ctx, later.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !exists() {
		t.Error("the job ran twice in one day")
	}
	if err := job.Run(ctx, later.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if exists() {
		t.Error("the next day's run left the sequence")
	}
}
