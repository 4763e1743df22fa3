package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// Unavailable tells a database that cannot be reached from a statement it
// refused, so that the front ends answer 503, not 500.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	// A port nothing listens on: take one, then let it go.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, refused := store.Open(ctx, store.Options{URL: "postgres://root@" + addr + "/test?sslmode=disable&connect_timeout=2"})
	if refused == nil || !store.Unavailable(refused) {
		t.Errorf("a refused connection: %v, want unavailable", refused)
	}
	closed := storetest.NewSQLite(t)
	closed.Close()
	_, err = closed.GetCase(ctx, 1)
	if !store.Unavailable(err) {
		t.Errorf("a closed store: %v, want unavailable", err)
	}
	for _, err := range []error{
		fmt.Errorf("list: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}),
		fmt.Errorf("list: %w", &pgconn.PgError{Code: "08006"}),
	} {
		if !store.Unavailable(err) {
			t.Errorf("%v: want unavailable", err)
		}
	}
	for _, err := range []error{
		nil, cases.ErrNotFound, cases.ErrConflict, errors.New("boom"),
		fmt.Errorf("insert: %w", &pgconn.PgError{Code: "22021", Message: "invalid byte sequence for encoding \"UTF8\": 0x00"}),
	} {
		if store.Unavailable(err) {
			t.Errorf("%v: not unavailable", err)
		}
	}
}
