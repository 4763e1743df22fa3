package cli

import (
	"context"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/cachetest"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/outbox"
	"github.com/jiesu/jiesu/internal/storetest"
)

// TestBuildSharesRedis: with redis.url set, the access tokens, the callback
// dedup marks and the rate limits of both platforms live in one Redis,
// shared by every replica, with in-process stand-ins behind it; without
// it, in the process.
func TestBuildSharesRedis(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load("", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.DataDir = t.TempDir()
	local, err := build(context.Background(), cfg, wiring{store: storetest.NewSQLite(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(local.close)
	if _, ok := local.limiter.(*outbox.MemoryLimiter); !ok {
		t.Errorf("without redis.url the limiter is %T", local.limiter)
	}
	if _, ok := local.cache.(*cache.Memory); !ok {
		t.Errorf("without redis.url the cache is %T", local.cache)
	}

	cfg.Redis.URL = cachetest.RedisURL()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := cachetest.Ping(ctx); err != nil {
		cachetest.Unavailable(t, err)
	}
	shared, err := build(ctx, cfg, wiring{store: storetest.NewSQLite(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(shared.close)
	if _, ok := shared.limiter.(*outbox.FallbackLimiter); !ok {
		t.Errorf("with redis.url the limiter is %T", shared.limiter)
	}
	if _, ok := shared.cache.(*cache.Shared); !ok {
		t.Errorf("with redis.url the cache is %T", shared.cache)
	}
}
