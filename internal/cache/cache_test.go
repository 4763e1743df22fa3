package cache_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/cachetest"
	"github.com/jiesu/jiesu/internal/clock"
)

// forEachCache runs fn on a Memory cache and on a real Redis with a fresh
// key prefix (cachetest.NewRedis: skipped when Redis does not answer, unless
// CI or JIESU_REQUIRE_SERVICES is set).
func forEachCache(t *testing.T, fn func(t *testing.T, c cache.Cache, advance func(time.Duration))) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		clk := clock.NewFake(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
		fn(t, cache.NewMemory(clk), func(d time.Duration) { clk.Advance(d) })
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		r := cachetest.NewRedis(t)
		// Redis expires on its own clock; only tests that advance time
		// beyond a TTL need a real one, and they set TTLs of milliseconds.
		fn(t, r, nil)
	})
}

func TestCacheContract(t *testing.T) {
	t.Parallel()
	forEachCache(t, func(t *testing.T, c cache.Cache, advance func(time.Duration)) {
		ctx := context.Background()
		if c.Get("token") != nil || c.IsExist("token") {
			t.Fatal("empty cache has a token")
		}
		if err := c.Set("token", "AT-1", time.Hour); err != nil {
			t.Fatal(err)
		}
		// The library asserts tokens to string: a []byte would panic it.
		if v, ok := c.Get("token").(string); !ok || v != "AT-1" {
			t.Fatalf("Get = %#v", c.Get("token"))
		}
		if !c.IsExist("token") {
			t.Error("IsExist false after Set")
		}
		if err := c.Delete("token"); err != nil || c.IsExist("token") {
			t.Errorf("Delete: %v, still there: %v", err, c.IsExist("token"))
		}
		ok, err := c.SetNX(ctx, "msg:1", "reply", time.Hour)
		if err != nil || !ok {
			t.Fatalf("first SetNX = %v, %v", ok, err)
		}
		if ok, _ := c.SetNX(ctx, "msg:1", "other", time.Hour); ok {
			t.Error("second SetNX won")
		}
		if v, found, _ := c.GetString(ctx, "msg:1"); !found || v != "reply" {
			t.Errorf("GetString = %q %v", v, found)
		}
		if advance != nil {
			_ = c.Set("short", "x", time.Minute)
			advance(time.Minute)
			if c.IsExist("short") || c.Get("short") != nil {
				t.Error("value outlived its TTL")
			}
			if ok, _ := c.SetNX(ctx, "short", "y", time.Minute); !ok {
				t.Error("SetNX refused an expired key")
			}
		}
	})
}

func TestConcurrentSetNXHasOneWinner(t *testing.T) {
	t.Parallel()
	forEachCache(t, func(t *testing.T, c cache.Cache, _ func(time.Duration)) {
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ok, err := c.SetNX(context.Background(), "race", "v", time.Minute); err == nil && ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Errorf("%d winners, want 1", wins.Load())
		}
	})
}

// DeleteIf drops a value only while it is the one given: a lock's holder
// frees its own lock, never the one another replica took after it lapsed.
func TestDeleteIfComparesFirst(t *testing.T) {
	t.Parallel()
	forEachCache(t, func(t *testing.T, c cache.Cache, _ func(time.Duration)) {
		ctx := context.Background()
		if err := c.Set("lock", "replica-b", time.Minute); err != nil {
			t.Fatal(err)
		}
		if done, err := c.DeleteIf(ctx, "lock", "replica-a"); err != nil || done {
			t.Fatalf("DeleteIf of another's value = %v, %v; want false", done, err)
		}
		if v, ok, _ := c.GetString(ctx, "lock"); !ok || v != "replica-b" {
			t.Fatalf("after another's DeleteIf the lock is %q, %v; want replica-b's", v, ok)
		}
		if done, err := c.DeleteIf(ctx, "lock", "replica-b"); err != nil || !done {
			t.Fatalf("DeleteIf of its own value = %v, %v; want true", done, err)
		}
		if _, ok, _ := c.GetString(ctx, "lock"); ok {
			t.Error("the lock is still there after its holder dropped it")
		}
		if done, err := c.DeleteIf(ctx, "absent", "x"); err != nil || done {
			t.Errorf("DeleteIf of an absent key = %v, %v", done, err)
		}
	})
}
