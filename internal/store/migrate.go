package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds migrations/<dialect>/NNNN_name.sql: numbered from 1,
// append-only. A released file is never edited; a change is a new file
// (migrations/SHA256SUMS and TestMigrationsAreAppendOnly hold to that).
//
//go:embed migrations
var migrationFiles embed.FS

// migrationLockClass is the first key of the advisory lock Migrate takes on
// PostgreSQL; the second is the schema's hash, so that separate schemas in
// one database (tests, tenants) don't wait for each other.
const migrationLockClass = 0x6a6573 // "jes"

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns this dialect's migrations in order, checking that the
// numbers run 1, 2, 3… without a gap or a duplicate.
func (s *Store) migrations() ([]migration, error) {
	dir := path.Join("migrations", s.d.name)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// querier is what both *sql.Conn and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// SchemaVersion returns the version the database is at (0 when it was never
// migrated) and the latest version this binary knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := s.migrations()
	if err != nil {
		return 0, 0, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	defer conn.Close()
	current, err = s.currentVersion(ctx, conn)
	return current, len(ms), err
}

// CheckSchema is for a replica that does not migrate: ErrSchemaPending if
// the database lags the binary, ErrSchemaTooNew if it is ahead.
func (s *Store) CheckSchema(ctx context.Context) error {
	current, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case current < latest:
		return fmt.Errorf("schema at version %d, binary at %d: %w", current, latest, ErrSchemaPending)
	case current > latest:
		return fmt.Errorf("schema at version %d, binary at %d: %w", current, latest, ErrSchemaTooNew)
	}
	return nil
}

func (s *Store) currentVersion(ctx context.Context, q querier) (int, error) {
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if s.d.postgres() {
		exists = `SELECT count(*) FROM (SELECT to_regclass('schema_migrations') AS t) r WHERE t IS NOT NULL`
	}
	var n int
	if err := q.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	var v int
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// Migrate brings the schema to the latest version, each migration in its
// own transaction together with its version row. Replicas starting at once
// are safe: on PostgreSQL they queue on an advisory lock; on SQLite each
// migration transaction takes the write lock at BEGIN and re-reads the
// version. A database ahead of the binary is refused with ErrSchemaTooNew.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := s.migrations()
	if err != nil {
		return err
	}
	// One dedicated connection: the advisory lock belongs to a session, and
	// on SQLite it is the only connection there is.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if s.d.postgres() {
		const lock = `SELECT pg_advisory_lock($1, hashtext(COALESCE(current_schema(), '')))`
		if _, err := conn.ExecContext(ctx, lock, migrationLockClass); err != nil {
			return fmt.Errorf("migrate: take lock: %w", err)
		}
		defer func() {
			const unlock = `SELECT pg_advisory_unlock($1, hashtext(COALESCE(current_schema(), '')))`
			// A lock left behind on a pooled connection would block the next
			// replica forever: if unlocking fails, drop the connection.
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), unlock, migrationLockClass); err != nil {
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	timeType := "TEXT"
	if s.d.postgres() {
		timeType = "timestamptz"
	}
	create := `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at ` + timeType + ` NOT NULL)`
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	current, err := s.currentVersion(ctx, conn)
	if err != nil {
		return err
	}
	if current > len(ms) {
		return fmt.Errorf("migrate: database at version %d, binary knows %d: %w", current, len(ms), ErrSchemaTooNew)
	}
	for _, m := range ms[current:] {
		if err := s.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	defer tx.Rollback()
	v, err := s.currentVersion(ctx, tx)
	if err != nil {
		return err
	}
	if v >= m.version {
		return nil // another process applied it meanwhile
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
		m.version, s.d.time(time.Now())); err != nil {
		return fmt.Errorf("migrate %s: record version: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", m.name, err)
	}
	return nil
}
