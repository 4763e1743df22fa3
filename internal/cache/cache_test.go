package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/clock"
)

// forEachCache runs fn on a Memory cache and on a real Redis with a fresh
// key prefix. Redis is skipped when it does not answer, unless CI or
// JIESU_REQUIRE_SERVICES is set.
func forEachCache(t *testing.T, fn func(t *testing.T, c Cache, advance func(time.Duration))) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		clk := clock.NewFake(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
		fn(t, NewMemory(clk), func(d time.Duration) { clk.Advance(d) })
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		r := NewTestRedis(t)
		// Redis expires on its own clock; only tests that advance time
		// beyond a TTL need a real one, and they set TTLs of milliseconds.
		fn(t, r, nil)
	})
}

// NewTestRedis connects to JIESU_TEST_REDIS_URL (default local) with a
// random key prefix, or skips/fails as forEachCache says.
func NewTestRedis(t testing.TB) *Redis {
	t.Helper()
	url := os.Getenv("JIESU_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var b [6]byte
	_, _ = rand.Read(b[:])
	r, err := NewRedis(ctx, url, "jiesu-test-"+hex.EncodeToString(b[:])+":")
	if err != nil {
		if os.Getenv("CI") != "" || os.Getenv("JIESU_REQUIRE_SERVICES") != "" {
			t.Fatalf("redis required: %v", err)
		}
		t.Skipf("redis not reachable (%v); start redis-server or run .ci/run", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func TestCacheContract(t *testing.T) {
	t.Parallel()
	forEachCache(t, func(t *testing.T, c Cache, advance func(time.Duration)) {
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
	forEachCache(t, func(t *testing.T, c Cache, _ func(time.Duration)) {
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
