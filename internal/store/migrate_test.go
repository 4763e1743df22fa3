package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// freshOptions returns options for an empty database on backend, or skips.
func forEachFreshBackend(t *testing.T, fn func(t *testing.T, o store.Options)) {
	t.Run(store.DialectSQLite, func(t *testing.T) {
		t.Parallel()
		fn(t, store.Options{SQLitePath: storetest.SQLitePath(t)})
	})
	t.Run(store.DialectPostgres, func(t *testing.T) {
		t.Parallel()
		fn(t, store.Options{URL: storetest.PostgresURL(t)})
	})
}

func TestMigrateFresh(t *testing.T) {
	t.Parallel()
	forEachFreshBackend(t, func(t *testing.T, o store.Options) {
		ctx := context.Background()
		s := storetest.Open(t, o)
		current, latest, err := s.SchemaVersion(ctx)
		if err != nil || current != 0 || latest < 1 {
			t.Fatalf("fresh: version %d of %d, %v", current, latest, err)
		}
		if err := s.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaPending) {
			t.Fatalf("fresh CheckSchema: %v", err)
		}
		for range 2 { // the second run has nothing to do
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if current, _, err = s.SchemaVersion(ctx); err != nil || current != latest {
			t.Fatalf("migrated: version %d of %d, %v", current, latest, err)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, "schema_migrations"); n != latest {
			t.Errorf("%d version rows, want %d", n, latest)
		}
	})
}

// TestMigrateConcurrently starts two replicas on one empty database at once.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	forEachFreshBackend(t, func(t *testing.T, o store.Options) {
		ctx := context.Background()
		replicas := []*store.Store{storetest.Open(t, o), storetest.Open(t, o)}
		errs := make([]error, len(replicas))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, s := range replicas {
			wg.Go(func() {
				<-start
				errs[i] = s.Migrate(ctx)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("replica %d: %v", i, err)
			}
		}
		s := replicas[0]
		current, latest, err := s.SchemaVersion(ctx)
		if err != nil || current != latest {
			t.Fatalf("version %d of %d, %v", current, latest, err)
		}
		if n := countRows(t, s, "schema_migrations"); n != latest {
			t.Errorf("%d version rows, want %d", n, latest)
		}
		// The schema works: a case goes in and comes out on the other replica.
		c := dispatched(t, s)
		if _, err := replicas[1].GetCase(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, latest, _ := s.SchemaVersion(ctx)
		// A newer binary ran here: its version row is one we don't know.
		if _, err := s.DBForTest().Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
			latest+1, "2026-11-28T00:00:00.000000Z"); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("Migrate: want ErrSchemaTooNew, got %v", err)
		}
		if err := s.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("CheckSchema: want ErrSchemaTooNew, got %v", err)
		}
		if current, _, _ := s.SchemaVersion(ctx); current != latest+1 {
			t.Errorf("version %d", current)
		}
	})
}
