package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// retryableTx reports whether PostgreSQL gave up a transaction to break a
// deadlock or a serialization conflict: nothing of it was written, and
// trying again is the answer.
func retryableTx(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}
