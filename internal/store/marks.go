package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// step is a statement of writeMarks and what reads its row; scan nil: it
// returns none.
type step struct {
	stmt
	scan func(scanner) error
}

// writeMarks runs steps in order in one transaction: the marks kept beside
// a platform message (its claim and reply, the complainant's last message,
// that the phone was asked for), written on the path of every callback,
// which WeChat gives 5 seconds. The statements are the same on both
// databases. On PostgreSQL they go in one round trip (a pipeline, one
// implicit transaction) that commits without waiting for the disk: a crash
// can lose the last few marks, which costs a retried message a second run
// (its case is still one: cases are unique per channel message and commit
// durably) or a window estimate (WeChat's 45015 corrects it). Visibility
// and locking are unchanged, so concurrent retries still meet one claim.
// A scan that finds no row is given sql.ErrNoRows on both databases.
func (s *Store) writeMarks(ctx context.Context, steps ...step) error {
	if !s.d.postgres() {
		return s.inTx(ctx, func(tx *sql.Tx) error {
			for _, st := range steps {
				if st.scan == nil {
					if err := st.exec(ctx, tx, "write"); err != nil {
						return err
					}
					continue
				}
				if err := st.scan(tx.QueryRowContext(ctx, st.q, st.args...)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return s.withPgx(ctx, func(conn *pgx.Conn) (err error) {
		b := &pgx.Batch{}
		b.Queue(`SELECT set_config('synchronous_commit', 'off', true)`)
		for _, st := range steps {
			b.Queue(st.q, st.args...)
		}
		res := conn.SendBatch(ctx, b)
		// The implicit commit answers at Close: nothing is written until
		// then.
		defer func() {
			if cerr := res.Close(); err == nil {
				err = cerr
			}
		}()
		if _, err := res.Exec(); err != nil {
			return err
		}
		for _, st := range steps {
			if st.scan == nil {
				if _, err := res.Exec(); err != nil {
					return err
				}
				continue
			}
			if err := st.scan(noRows{res.QueryRow()}); err != nil {
				return err
			}
		}
		return nil
	})
}

// noRows reports pgx's pgx.ErrNoRows as database/sql's sql.ErrNoRows, so
// that writeMarks's scans read one error on both databases.
type noRows struct{ row pgx.Row }

func (r noRows) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

// withPgx runs fn on one pooled connection's pgx.Conn, for what
// database/sql cannot say: pipelines.
func (s *Store) withPgx(ctx context.Context, fn func(*pgx.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("%T is not a pgx connection", dc)
		}
		return fn(c.Conn())
	})
}
