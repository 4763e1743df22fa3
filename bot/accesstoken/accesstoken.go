// Package accesstoken keeps a chat platform's access token in a cache that
// replicas share, so that one fetch serves them all. It knows nothing of
// any platform: the caller gives the cache key and a function that fetches
// a token. WeChat and WeCom (through bot/tencent) use it, and DingTalk,
// whose token comes from another endpoint with another signature, can use
// it the same way.
//
// Why it is shared: every platform retires the previous token soon after a
// new one is fetched, and counts fetches against a daily quota, so
// replicas that each fetched their own would knock each other's tokens out
// and spend the quota. One process fetches at a time (a mutex); across
// processes, the one that takes a short lock in the cache fetches and the
// others wait for its token.
package accesstoken

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Cache is where tokens live; internal/cache.Cache is one (Redis when
// replicas share it).
type Cache interface {
	GetString(ctx context.Context, key string) (string, bool, error)
	Set(key string, val interface{}, ttl time.Duration) error
	SetNX(ctx context.Context, key, val string, ttl time.Duration) (bool, error)
	DeleteIf(ctx context.Context, key, val string) (bool, error)
}

// Fetch asks the platform for a new token and how long it lives.
type Fetch func(ctx context.Context) (token string, lifetime time.Duration, err error)

// FetchLock bounds how long one replica's fetch makes the others wait; if
// it dies fetching, they fetch themselves after it.
const FetchLock = 5 * time.Second

// pollEvery is how often a waiting replica looks for the fetched token.
const pollEvery = 25 * time.Millisecond

// Config builds a Source. Cache, Key and Fetch are required.
type Config struct {
	Cache Cache
	// Key is the token's cache key, one per app and secret.
	Key   string
	Fetch Fetch
	// Margin is taken off a token's lifetime, so that it is renewed well
	// before the platform drops it; never more than half the lifetime.
	Margin time.Duration
	Log    *zap.Logger // default none
}

// Source hands out one app's access token.
type Source struct {
	cfg Config
	// mu makes one caller at a time fetch a token in this process; other
	// replicas share the result through the cache.
	mu sync.Mutex
}

// New returns the token source of cfg.
func New(cfg Config) *Source {
	if cfg.Log == nil {
		cfg.Log = zap.NewNop()
	}
	return &Source{cfg: cfg}
}

// Token returns the cached token, or fetches one.
func (s *Source) Token(ctx context.Context) (string, error) { return s.token(ctx, "") }

// Renew returns a token other than stale, which the platform just refused:
// stale is dropped from the cache unless another caller already replaced
// it, whose newer token is then used rather than undone.
func (s *Source) Renew(ctx context.Context, stale string) (string, error) {
	_, _ = s.cfg.Cache.DeleteIf(ctx, s.cfg.Key, stale)
	return s.token(ctx, stale)
}

// cached returns the cached token unless it is missing or stale. A cache
// that fails to answer counts as empty: the platform can still be asked.
func (s *Source) cached(ctx context.Context, stale string) (string, bool) {
	tok, ok, err := s.cfg.Cache.GetString(ctx, s.cfg.Key)
	if err != nil || !ok || tok == "" || tok == stale {
		return "", false
	}
	return tok, true
}

func (s *Source) token(ctx context.Context, stale string) (string, error) {
	if tok, ok := s.cached(ctx, stale); ok {
		return tok, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok, ok := s.cached(ctx, stale); ok {
		return tok, nil
	}
	// The lock holds a value of this fetch's own, so that a fetch slower
	// than FetchLock frees only its own lock, never the next fetcher's.
	lock, holder := s.cfg.Key+":fetching", rand.Text()
	if won, err := s.cfg.Cache.SetNX(ctx, lock, holder, FetchLock); err == nil && !won {
		if tok, ok := s.await(ctx, stale); ok {
			return tok, nil
		}
	} else if err == nil {
		defer func() { _, _ = s.cfg.Cache.DeleteIf(context.WithoutCancel(ctx), lock, holder) }()
		// Another replica may have cached its token and freed the lock
		// between the look above and taking the lock: use that one.
		if tok, ok := s.cached(ctx, stale); ok {
			return tok, nil
		}
	}
	tok, lifetime, err := s.cfg.Fetch(ctx)
	if err != nil {
		return "", err
	}
	if lifetime <= 0 {
		// Cached without an expiry (what a TTL of 0 means to Redis), the
		// token would outlive its use on every replica.
		return "", fmt.Errorf("access token %s: the platform gave no lifetime (%v)", s.cfg.Key, lifetime)
	}
	ttl := lifetime - s.cfg.Margin
	if ttl < lifetime/2 {
		ttl = lifetime / 2
	}
	if err := s.cfg.Cache.Set(s.cfg.Key, tok, ttl); err != nil {
		// The token is good; uncached, the next call fetches again.
		s.cfg.Log.Warn("cache access token", zap.Error(err))
	}
	return tok, nil
}

// await waits for the replica fetching the token to cache it.
func (s *Source) await(ctx context.Context, stale string) (string, bool) {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	deadline := time.NewTimer(FetchLock)
	defer deadline.Stop()
	for {
		select {
		case <-ctx.Done():
			return "", false
		case <-deadline.C:
			return "", false
		case <-t.C:
			if tok, ok := s.cached(ctx, stale); ok {
				return tok, true
			}
		}
	}
}
