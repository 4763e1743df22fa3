package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// TokenIDLen is how many leading hex characters of a token's hash serve as
// its public id. 48 bits tell a member's few tokens apart, and a prefix of a
// SHA-256 reveals nothing usable about the token.
const TokenIDLen = 12

// Errors of DeleteToken beyond ErrNotFound.
var (
	ErrTokenIDInvalid   = fmt.Errorf("token id must be %d or more hex characters", TokenIDLen)
	ErrTokenIDAmbiguous = errors.New("token id matches more than one token; give more of it")
)

// TokenInfo is what may be shown about a token: never its hash, which is
// all an attacker with the database needs to look for a token.
type TokenInfo struct {
	ID        string // the first TokenIDLen characters of the hash
	MemberID  string
	CreatedAt time.Time
}

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
		return "", fmt.Errorf("token: %w", cases.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return member, nil
}

// ListTokens returns the tokens of a member, or of everyone when memberID
// is empty, oldest first.
func (s *Store) ListTokens(ctx context.Context, memberID string) ([]TokenInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT hash, member_id, created_at FROM api_tokens
		WHERE $1 = '' OR member_id = $1 ORDER BY created_at, hash`, memberID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []TokenInfo
	for rows.Next() {
		var hash string
		var info TokenInfo
		if err := rows.Scan(&hash, &info.MemberID, timeCol{&info.CreatedAt}); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		info.ID = hash[:min(len(hash), TokenIDLen)]
		out = append(out, info)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// DeleteToken deletes the one token whose hash starts with id (as
// ListTokens shows it, or longer). It deletes nothing when id is too short
// (ErrTokenIDInvalid) or matches no token (ErrNotFound) or several
// (ErrTokenIDAmbiguous).
func (s *Store) DeleteToken(ctx context.Context, id string) error {
	id = strings.ToLower(id)
	if !validTokenID(id) {
		// Not echoed: someone may have pasted the token itself.
		return fmt.Errorf("delete token: %w", ErrTokenIDInvalid)
	}
	// Only hex gets here, so the pattern has no wildcard but its own. The
	// count in the same statement keeps a prefix from deleting two tokens
	// even if one is created meanwhile.
	pattern := id + "%"
	res, err := s.db.ExecContext(ctx, `DELETE FROM api_tokens WHERE hash LIKE $1
		AND (SELECT count(*) FROM api_tokens WHERE hash LIKE $1) = 1`, pattern)
	if err != nil {
		return fmt.Errorf("delete token %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("delete token %s: %w", id, err)
	}
	if n == 1 {
		return nil
	}
	// Nothing deleted: count again only to say why.
	var matches int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE hash LIKE $1`, pattern).Scan(&matches); err != nil {
		return fmt.Errorf("delete token %s: %w", id, err)
	}
	if matches > 1 {
		return fmt.Errorf("delete token %s: %w", id, ErrTokenIDAmbiguous)
	}
	return fmt.Errorf("delete token %s: %w", id, cases.ErrNotFound)
}

// validTokenID reports whether id is a usable prefix of a SHA-256 in hex.
func validTokenID(id string) bool {
	if len(id) < TokenIDLen || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
