// Package storetest gives tests a fresh, migrated store on each backend, and
// a few builders of cases. Other packages' tests use it too.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/store"
)

// DefaultDatabaseURL is the PostgreSQL the tests use when
// JIESU_TEST_DATABASE_URL is not set.
const DefaultDatabaseURL = "postgres://root@127.0.0.1:5432/test?sslmode=disable"

// ForEachBackend runs fn as the subtests "sqlite" and "postgres", each with
// its own fresh, migrated store. The subtests run in parallel (with each
// other and with other parallel tests), so fn must not share state between
// them without synchronisation. The PostgreSQL subtest is skipped when no
// server answers, unless CI or JIESU_REQUIRE_SERVICES is set.
func ForEachBackend(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	backends := []struct {
		name string
		open func(testing.TB) *store.Store
	}{
		{store.DialectSQLite, NewSQLite},
		{store.DialectPostgres, NewPostgres},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b.open(t))
		})
	}
}

// NewSQLite returns a migrated store on a new SQLite file in t.TempDir().
func NewSQLite(t testing.TB) *store.Store {
	t.Helper()
	return migrated(t, Open(t, store.Options{SQLitePath: SQLitePath(t)}))
}

// SQLitePath returns the path of a new, empty SQLite file location.
func SQLitePath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "jiesu.db")
}

// NewPostgres returns a migrated store in a new PostgreSQL schema that is
// dropped when the test ends.
func NewPostgres(t testing.TB) *store.Store {
	t.Helper()
	return migrated(t, Open(t, store.Options{URL: PostgresURL(t)}))
}

// Open opens a store, unmigrated, and closes it when the test ends.
func Open(t testing.TB, o store.Options) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := store.Open(ctx, o)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func migrated(t testing.TB, s *store.Store) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", s.Dialect(), err)
	}
	return s
}

// PostgresURL creates an empty schema t_<random> and returns a URL whose
// connections use it (pgx sends search_path at connect). The schema is
// dropped when the test ends, after the stores opened on it are closed
// (cleanups run last-registered first). Tests of migrations, or tests that
// change the schema itself, use it; the others take NewPostgres or
// MigratedPostgresURL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin, u := adminDB(t)
	var b [8]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(u, schema)
}

// adminDB connects to JIESU_TEST_DATABASE_URL (or DefaultDatabaseURL) for
// the test, failing or skipping it when no server answers.
func adminDB(t testing.TB) (*sql.DB, *url.URL) {
	t.Helper()
	base := os.Getenv("JIESU_TEST_DATABASE_URL")
	if base == "" {
		base = DefaultDatabaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("JIESU_TEST_DATABASE_URL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		if admin != nil {
			admin.Close()
		}
		unavailable(t, u.Redacted(), err)
	}
	t.Cleanup(func() { admin.Close() })
	return admin, u
}

func withSearchPath(u *url.URL, schema string) string {
	c := *u
	q := c.Query()
	q.Set("search_path", schema)
	c.RawQuery = q.Encode()
	return c.String()
}

// unavailable fails or skips a test that needs PostgreSQL.
func unavailable(t testing.TB, where string, err error) {
	t.Helper()
	if os.Getenv("CI") != "" || os.Getenv("JIESU_REQUIRE_SERVICES") != "" {
		t.Fatalf("PostgreSQL at %s is required (CI or JIESU_REQUIRE_SERVICES is set): %v", where, err)
	}
	t.Skipf("PostgreSQL at %s not reachable (%v); start one with\n"+
		"  docker run -d -p 5432:5432 -e POSTGRES_USER=root -e POSTGRES_DB=test -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15\n"+
		"or point JIESU_TEST_DATABASE_URL at another", where, err)
}
