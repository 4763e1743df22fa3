package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// A case registered after another committed never carries a smaller
// number of the same day, whichever replica registers it, and registrations
// at once never share a number: each worker reads the highest number
// committed, registers, and must get a higher one. Numbers taken ahead in
// blocks per replica (as PostgreSQL did before migration 0018) fail this.
func TestCaseNumbersFollowCommits(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		stores := []*store.Store{s}
		if s.Dialect() == store.DialectPostgres {
			stores = replicasOf(t, 3)
		}
		const workers, each = 6, 15
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		numbers := make(chan string, workers*each)
		for w := range workers {
			st := stores[w%len(stores)]
			wg.Go(func() {
				for i := range each {
					var before string
					if err := st.DBForTest().QueryRow(`SELECT COALESCE(MAX(number), '') FROM cases`).Scan(&before); err != nil {
						errs <- err
						return
					}
					c, _, err := st.CreateCase(context.Background(), storetest.NewCase(t, at(time.Duration(i)*time.Minute), "logistics"), store.CreateKey{})
					if err != nil {
						errs <- fmt.Errorf("worker %d, case %d: %w", w, i, err)
						return
					}
					// Numbers of one day have one width: they compare as text.
					if c.Number <= before {
						errs <- fmt.Errorf("worker %d registered %s after %s was committed", w, c.Number, before)
					}
					numbers <- c.Number
				}
			})
		}
		wg.Wait()
		close(errs)
		close(numbers)
		for err := range errs {
			t.Error(err)
		}
		var got []string
		for n := range numbers {
			got = append(got, n)
		}
		slices.Sort(got)
		for i, n := range got {
			if want := fmt.Sprintf("JS20261128-%04d", i+1); n != want {
				t.Fatalf("numbers %v: %s at %d, want %s (no gap, no repeat)", got, n, i, want)
			}
		}
	})
}

// After migrating, the database holds no function of jiesu's own but the
// guards that only refuse: every rule of registration is in Go, one path
// for both databases. SQLite never had functions; its triggers are the
// same guards.
func TestNoRulesInTheDatabase(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		q := `SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`
		want := []string{"case_events_no_delete", "case_events_no_update", "outbox_events_no_delete", "outbox_events_no_update"}
		if s.Dialect() == store.DialectPostgres {
			q = `SELECT proname FROM pg_proc WHERE pronamespace = to_regnamespace(quote_ident(current_schema())) ORDER BY proname`
			want = []string{"case_events_append_only", "outbox_events_append_only"}
		}
		rows, err := s.DBForTest().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			got = append(got, name)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("the schema has %v of its own, want only the guards %v", got, want)
		}
	})
}

// A database whose numbers came from a sequence per day (migrations 0005
// and 0008) continues each day after the highest number its sequence
// handed out, not from the stale counter row, and keeps no sequence.
func TestMigrationCarriesNumberSequences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t, store.Options{URL: storetest.PostgresURL(t)})
	if err := s.MigrateToForTest(ctx, 17); err != nil {
		t.Fatal(err)
	}
	db := s.DBForTest()
	for _, q := range []string{
		`INSERT INTO case_sequences (day, last) VALUES ('20261128', 3)`,
		`CREATE SEQUENCE jiesu_case_number_20261128 AS integer START WITH 4`,
		`SELECT setval('jiesu_case_number_20261128', 57)`,
		`CREATE SEQUENCE jiesu_case_number_20261127 AS integer`, // made, never used
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if c := storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics")); c.Number != "JS20261128-0058" {
		t.Errorf("first number after the migration %s, want JS20261128-0058", c.Number)
	}
	var seqs int
	if err := db.QueryRow(`SELECT count(*) FROM pg_sequences WHERE schemaname = current_schema()
		AND sequencename LIKE 'jiesu_case_number_%'`).Scan(&seqs); err != nil {
		t.Fatal(err)
	}
	if seqs != 0 {
		t.Errorf("%d number sequences left", seqs)
	}
}
