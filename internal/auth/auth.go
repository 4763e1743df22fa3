// Package auth turns API tokens into actors. A token is shown once, when it
// is created; the store keeps only its SHA-256, which is enough for a
// 256-bit random secret (no salt or slow hash needed, unlike a password).
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

// ErrUnauthenticated is a missing, malformed or unknown token, or one whose
// member is no longer configured.
var ErrUnauthenticated = errors.New("unauthenticated")

// tokenPrefix makes a leaked token recognisable to secret scanners.
const tokenPrefix = "jsu_"

// Tokens issues and checks API tokens.
type Tokens struct {
	store *store.Store
	cfg   *config.Config
}

// New returns a Tokens over the store and the configured members.
func New(s *store.Store, cfg *config.Config) *Tokens { return &Tokens{store: s, cfg: cfg} }

// Create issues a new token for a configured member and returns it in the
// clear; it cannot be read back later.
func (t *Tokens) Create(ctx context.Context, memberID string, now time.Time) (string, error) {
	if _, err := t.cfg.Actor(memberID); err != nil {
		return "", fmt.Errorf("token for %s: %w", memberID, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("token for %s: %w", memberID, err)
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	if err := t.store.CreateToken(ctx, memberID, Hash(token), now); err != nil {
		return "", fmt.Errorf("token for %s: %w", memberID, err)
	}
	return token, nil
}

// Authenticate returns the actor behind an Authorization header value.
func (t *Tokens) Authenticate(ctx context.Context, header string) (cases.Actor, error) {
	token, ok := strings.CutPrefix(header, "Bearer ")
	token = strings.TrimSpace(token)
	if !ok || !strings.HasPrefix(token, tokenPrefix) {
		return cases.Actor{}, ErrUnauthenticated
	}
	member, err := t.store.TokenMember(ctx, Hash(token))
	if errors.Is(err, store.ErrNotFound) {
		return cases.Actor{}, ErrUnauthenticated
	}
	if err != nil {
		return cases.Actor{}, fmt.Errorf("authenticate: %w", err)
	}
	actor, err := t.cfg.Actor(member)
	if err != nil {
		return cases.Actor{}, fmt.Errorf("member %s: %w", member, ErrUnauthenticated)
	}
	return actor, nil
}

// Hash is what the store keeps of a token.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
