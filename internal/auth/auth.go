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
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

// ErrUnauthenticated is a missing, malformed or unknown token, or one whose
// member is no longer configured.
var ErrUnauthenticated = errors.New("unauthenticated")

// tokenPrefix makes a leaked token recognisable to secret scanners.
const tokenPrefix = "jsu_"

// Defaults of Options.
const (
	// DefaultCacheTTL spares the store a query on all but one request per
	// token and half-minute, while a revocation from the CLI still takes
	// effect soon.
	DefaultCacheTTL = 30 * time.Second
	// DefaultCacheSize is more tokens than a deployment is likely to hold
	// (only tokens in the store are cached), so the bound only caps memory.
	DefaultCacheSize = 10_000
)

// Options tune Tokens. The zero value takes every default.
type Options struct {
	// Clock tells when a cached lookup expires. Default clock.Real.
	Clock clock.Clock
	// CacheTTL is how long a token found in the store is trusted without
	// asking again. It is also how long a token revoked by another process
	// (jiesu token revoke, while the server runs) keeps working here.
	// Default DefaultCacheTTL; negative turns the cache off.
	CacheTTL time.Duration
	// CacheSize bounds how many tokens are cached. Default DefaultCacheSize.
	CacheSize int
}

// Tokens issues and checks API tokens.
type Tokens struct {
	store *store.Store
	cfg   *config.Config
	cache *memberCache
}

// New returns a Tokens over the store and the configured members.
func New(s *store.Store, cfg *config.Config, opts Options) *Tokens {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = DefaultCacheSize
	}
	return &Tokens{store: s, cfg: cfg, cache: newMemberCache(opts.Clock, opts.CacheTTL, opts.CacheSize)}
}

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
	hash := Hash(token)
	member, gen, ok := t.cache.get(hash)
	if !ok {
		var err error
		member, err = t.store.TokenMember(ctx, hash)
		if errors.Is(err, cases.ErrNotFound) {
			return cases.Actor{}, ErrUnauthenticated
		}
		if err != nil {
			return cases.Actor{}, fmt.Errorf("authenticate: %w", err)
		}
		t.cache.put(hash, member, gen)
	}
	actor, err := t.cfg.Actor(member)
	if err != nil {
		return cases.Actor{}, fmt.Errorf("member %s: %w", member, ErrUnauthenticated)
	}
	return actor, nil
}

// Revoke deletes the token whose public id (store.TokenInfo.ID, or a longer
// prefix of its hash) is id, and this process refuses it at once. Another
// process that cached it, such as the server when the CLI revokes, accepts
// it until its cache entry expires: at most Options.CacheTTL.
func (t *Tokens) Revoke(ctx context.Context, id string) error {
	err := t.store.DeleteToken(ctx, id)
	if err == nil || errors.Is(err, cases.ErrNotFound) {
		// Not found may mean another process deleted it first; what this
		// one cached of it is stale either way.
		t.cache.drop(strings.ToLower(id))
	}
	return err
}

// Hash is what the store keeps of a token.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
