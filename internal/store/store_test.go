package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// at returns the test epoch plus d.
func at(d time.Duration) time.Time { return storetest.Epoch().Add(d) }

func TestOpenPingDialect(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		if err := s.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		if name := t.Name(); name[len(name)-len(s.Dialect()):] != s.Dialect() {
			t.Fatalf("subtest %s has a %s store", name, s.Dialect())
		}
	})
}

func TestOpenRefusesBadOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, o := range []store.Options{
		{},                           // neither URL nor path
		{URL: "mysql://root@x/db"},   // not PostgreSQL
		{SQLitePath: "x.db?mode=ro"}, // parameters are ours to set
	} {
		if s, err := store.Open(ctx, o); err == nil {
			s.Close()
			t.Errorf("Open(%+v) succeeded", o)
		}
	}
}

func TestOpenSQLiteInMemory(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.Options{SQLitePath: ":memory:"})
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := dispatched(t, s)
	if _, err := s.GetCase(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
}

// mustNotFound fails unless err is ErrNotFound.
func mustNotFound(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
}

// countRows counts the rows of a table, for "nothing was written" checks.
func countRows(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DBForTest().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// dispatched is a stored case dispatched to logistics at the epoch.
func dispatched(t *testing.T, s *store.Store, opts ...func(*cases.Intake)) cases.Case {
	t.Helper()
	return storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics", opts...))
}
