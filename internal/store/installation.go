package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// InstallationID returns this database's own id, made the first time it
// is asked for and kept from then on. Platforms that remember ids across
// every database sharing one app (WeCom's card task_id) get it in theirs,
// so that a reinstall, a move to another database or a staging copy never
// reuses an id another one sent.
func (s *Store) InstallationID(ctx context.Context, now time.Time) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("installation id: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO installation (singleton, id, created_at) VALUES (1, $1, $2)
		ON CONFLICT (singleton) DO NOTHING`, hex.EncodeToString(b), s.d.time(now)); err != nil {
		return "", fmt.Errorf("installation id: %w", err)
	}
	var id string
	if err := s.db.QueryRowContext(ctx, `SELECT id FROM installation WHERE singleton = 1`).Scan(&id); err != nil {
		return "", fmt.Errorf("installation id: %w", err)
	}
	return id, nil
}
