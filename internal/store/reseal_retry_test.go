package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A batch PostgreSQL gave up to break a deadlock (or a serialization
// conflict) is tried again; any other failure stops the reseal.
func TestRetryableTx(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("update: %w", &pgconn.PgError{Code: "40P01"}), true},
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "23505"}, false},
		{errors.New("database is locked"), false},
	} {
		if got := retryableTx(tt.err); got != tt.want {
			t.Errorf("retryableTx(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
