package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/store"
)

// MigratedPostgresURL is PostgresURL's schema with every migration applied,
// for tests that open several stores on one schema (replicas).
func MigratedPostgresURL(t testing.TB) string {
	t.Helper()
	url := PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, store.Options{URL: url})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return url
}
