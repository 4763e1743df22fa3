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

// TestUnitChatSharesRedis: with redis.url set, the access token, the
// callback dedup marks and the rate limits live in Redis, shared by every
// replica; without it, in the process.
func TestUnitChatSharesRedis(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load("", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.NewSQLite(t)
	local, err := newUnitChat(context.Background(), unitChatDeps{Config: cfg, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := local.limiter.(*outbox.MemoryLimiter); !ok {
		t.Errorf("without redis.url the limiter is %T", local.limiter)
	}
	if _, ok := local.cache.(*cache.Memory); !ok {
		t.Errorf("without redis.url the cache is %T", local.cache)
	}

	// build opens one Redis and both chat sides use it.
	cfg.Redis.URL, cfg.Server.DataDir = cachetest.RedisURL(), t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	app, err := build(ctx, cfg, wiring{store: st})
	if err != nil {
		cachetest.Unavailable(t, err)
	}
	t.Cleanup(app.close)
	shared := app.units
	if _, ok := shared.limiter.(*outbox.RedisLimiter); !ok {
		t.Errorf("with redis.url the limiter is %T", shared.limiter)
	}
	if _, ok := shared.cache.(*cache.Redis); !ok {
		t.Errorf("with redis.url the cache is %T", shared.cache)
	}
	if app.students.cache != nil && app.students.cache != shared.cache {
		t.Errorf("the student side has a Redis of its own")
	}
}
