package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrNotSQLite: an operation of the embedded database asked of PostgreSQL,
// which has its own tools (pg_dump).
var ErrNotSQLite = errors.New("not the embedded SQLite database")

// BackupTo writes a consistent copy of the SQLite database to path, which
// must not exist, while servers go on writing: VACUUM INTO reads one
// snapshot, and the copy is compacted and needs no WAL file beside it. The
// copy is readable by its owner only, since it holds every case.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if s.d.postgres() {
		return fmt.Errorf("backup: %w", ErrNotSQLite)
	}
	// Made first with O_EXCL, so that an existing file is never written
	// over and the copy is never readable by others (VACUUM INTO takes an
	// empty file).
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
