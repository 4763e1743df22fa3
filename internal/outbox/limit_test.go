package outbox

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cachetest"
)

// testRedisLimiter is a limiter on the test Redis under a key prefix of
// its own (skipped or failed as cachetest says when Redis is missing).
func testRedisLimiter(t *testing.T) *RedisLimiter {
	t.Helper()
	return NewRedisLimiter(cachetest.NewRedis(t).Client(), cachetest.UniquePrefix())
}

func forEachLimiter(t *testing.T, fn func(t *testing.T, l Limiter)) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		fn(t, NewMemoryLimiter())
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		fn(t, testRedisLimiter(t))
	})
}

func TestLimiterSlidingWindow(t *testing.T) {
	t.Parallel()
	forEachLimiter(t, func(t *testing.T, l Limiter) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
		robot := []bot.Limit{{Key: "robot", Max: 20, Window: time.Minute}}
		for i := range 20 {
			if ok, _, err := l.Take(ctx, t0.Add(time.Duration(i)*time.Second), robot); !ok || err != nil {
				t.Fatalf("send %d refused: %v", i, err)
			}
		}
		ok, at, err := l.Take(ctx, t0.Add(30*time.Second), robot)
		if ok || err != nil || !at.Equal(t0.Add(time.Minute)) {
			t.Fatalf("21st = %v at %v, %v; want refused until the first leaves the window", ok, at, err)
		}
		// A refusal counts nothing: at exactly one window after the first
		// send, one more fits, and no second one.
		if ok, _, _ := l.Take(ctx, t0.Add(time.Minute), robot); !ok {
			t.Fatal("refused when the first send left the window")
		}
		if ok, at, _ := l.Take(ctx, t0.Add(time.Minute), robot); ok || !at.Equal(t0.Add(time.Minute+time.Second)) {
			t.Fatalf("second at the minute = %v, until %v", ok, at)
		}
	})
}

func TestLimiterAllOrNothing(t *testing.T) {
	t.Parallel()
	forEachLimiter(t, func(t *testing.T, l Limiter) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
		full := bot.Limit{Key: "unit", Max: 1, Window: time.Minute}
		user := bot.Limit{Key: "user", Max: 1, Window: time.Minute}
		if ok, _, _ := l.Take(ctx, t0, []bot.Limit{full}); !ok {
			t.Fatal("first send refused")
		}
		if ok, _, _ := l.Take(ctx, t0, []bot.Limit{user, full}); ok {
			t.Fatal("a send through a full limit was taken")
		}
		// The refusal did not use the user's room.
		if ok, _, _ := l.Take(ctx, t0, []bot.Limit{user}); !ok {
			t.Fatal("the refused send used up another limit")
		}
	})
}

func TestLimiterConcurrentReplicas(t *testing.T) {
	t.Parallel()
	forEachLimiter(t, func(t *testing.T, l Limiter) {
		t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
		limit := []bot.Limit{{Key: "member", Max: 30, Window: time.Minute}}
		var taken atomic.Int32
		var wg sync.WaitGroup
		for range 100 {
			wg.Go(func() {
				if ok, _, err := l.Take(context.Background(), t0, limit); ok && err == nil {
					taken.Add(1)
				}
			})
		}
		wg.Wait()
		if taken.Load() != 30 {
			t.Errorf("%d sends taken at once, want exactly 30", taken.Load())
		}
	})
}
