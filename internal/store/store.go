// Package store keeps cases, their events, the outbox and API tokens in SQL:
// PostgreSQL (pgx) in production, SQLite (modernc) as the embedded default.
// The Go is written once; only SQL strings that must differ are per dialect.
// It fills the domain's types (internal/cases) and returns the domain's
// sentinels: ErrNotFound, ErrConflict and the others named bare in its
// comments are cases.ErrNotFound and so on.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	// Both drivers go through database/sql so the Go is written once.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// Sentinels callers test with errors.Is.
var (
	ErrSchemaTooNew  = errors.New("database schema is newer than this binary")
	ErrSchemaPending = errors.New("database schema has pending migrations")
)

// CreateKey deduplicates creation: the same idempotency key from the same
// member, or the same channel reference on the same channel, returns the
// first case.
type CreateKey struct {
	IdempotencyKey string
	MemberID       string
}

// DefaultMaxConns caps the PostgreSQL pool when Options.MaxConns is 0.
const DefaultMaxConns = 10

// Options selects and tunes the database.
type Options struct {
	// URL is a PostgreSQL URL (postgres://…). Empty selects SQLite.
	URL string
	// SQLitePath is the SQLite file, used when URL is empty. ":memory:" gives
	// a private in-memory database.
	SQLitePath string
	// MaxConns caps PostgreSQL's pool. Default DefaultMaxConns. SQLite always
	// uses one connection.
	MaxConns int
}

// Store is the SQL storage of cases, events, the outbox and tokens. It is
// safe for concurrent use.
type Store struct {
	db    *sql.DB
	d     dialect
	texts *rowTexts
	batch *batcher
}

// Open connects to the database Options names and checks that it answers.
// It does not migrate; call Migrate (or CheckSchema) next.
func Open(ctx context.Context, o Options) (*Store, error) {
	var (
		s   *Store
		err error
	)
	if o.URL == "" {
		s, err = openSQLite(o.SQLitePath)
	} else {
		s, err = openPostgres(o.URL, o.MaxConns)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

func openPostgres(rawURL string, maxConns int) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// The URL may hold a password: never echo it.
		return nil, errors.New("open store: database URL must be postgres://…")
	}
	db, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{db: db, d: dialect{name: DialectPostgres}, texts: newRowTexts()}
	s.batch = newBatcher(s)
	return s, nil
}

func openSQLite(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open sqlite: SQLitePath is required when no database URL is set")
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("open sqlite %q: the path may not carry parameters", path)
	}
	// WAL lets a backup or the sqlite3 shell read while we write; the busy
	// timeout covers another process holding the file; IMMEDIATE takes the
	// write lock at BEGIN so a transaction never fails half-way on upgrade.
	dsn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// One connection: writers queue in Go instead of failing with
	// SQLITE_BUSY. Hence no method may query s.db while it holds a
	// transaction; it would wait for itself.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, d: dialect{name: DialectSQLite}, texts: newRowTexts()}
	s.batch = newBatcher(s)
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.d.name, err)
	}
	return nil
}

// Dialect returns "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.d.name }

// inTx runs fn in a transaction and commits if fn returns nil. fn must use
// only tx: on SQLite a query on s.db would wait for the connection tx holds.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%w: %w", errCommit, err)
	}
	return nil
}

// errCommit marks an error of the commit itself: the transaction may have
// been committed all the same (the connection dropped after the database
// wrote it), so whoever sees it must not write the same rows again as if
// nothing had happened.
var errCommit = errors.New("commit")

// PoolStats reports the connection pool, for /metrics.
func (s *Store) PoolStats() sql.DBStats { return s.db.Stats() }
