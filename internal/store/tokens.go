package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CreateToken records an API token for a member. Only the token's hash is
// stored; the caller shows the token once and forgets it.
func (s *Store) CreateToken(ctx context.Context, memberID, hash string, now time.Time) error {
	if memberID == "" || hash == "" {
		return errors.New("create token: member and hash are required")
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (hash, member_id, created_at) VALUES ($1, $2, $3)`,
		hash, memberID, s.d.time(now)); err != nil {
		return fmt.Errorf("create token for %s: %w", memberID, err)
	}
	return nil
}

// TokenMember returns the member a token hash belongs to, or ErrNotFound.
func (s *Store) TokenMember(ctx context.Context, hash string) (string, error) {
	var member string
	err := s.db.QueryRowContext(ctx, `SELECT member_id FROM api_tokens WHERE hash = $1`, hash).Scan(&member)
	if errors.Is(err, sql.ErrNoRows) {
		// No hash in the message: errors end up in logs.
		return "", fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return member, nil
}
