package outbox

import (
	"context"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/redis/go-redis/v9"
)

// While Redis does not answer, Take never fails: it counts in process at
// the share of each limit, and tries Redis again only after the breaker's
// wait, so that each Take does not wait for a dead Redis.
func TestFallbackLimiterTakesAShareWhileRedisIsDown(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC))
	// A closed local port: nothing answers.
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { dead.Close() })
	var changes []bool
	breaker := cache.NewBreaker(clk, 5*time.Second, func(up bool, _ error) { changes = append(changes, up) })
	fellBack := 0
	l := NewFallbackLimiter(NewRedisLimiter(dead, "t:"), breaker, 0.5, func() { fellBack++ })
	limits := []bot.Limit{{Key: "robot/x", Max: 20, Window: time.Minute}}
	took := 0
	for range 25 {
		ok, retryAt, err := l.Take(context.Background(), clk.Now(), limits)
		if err != nil {
			t.Fatalf("Take failed for Redis's sake: %v", err)
		}
		if ok {
			took++
		} else if !retryAt.Equal(clk.Now().Add(time.Minute)) {
			t.Errorf("retry at %v, want a minute on", retryAt)
		}
	}
	if took != 10 {
		t.Errorf("took %d sends in the window, want half of 20", took)
	}
	if fellBack != 25 || len(changes) != 1 || changes[0] {
		t.Errorf("fell back %d times, changes %v: want 25 and one change to down", fellBack, changes)
	}
	if breaker.Allow() {
		t.Error("the breaker let a call try Redis again before its wait")
	}
	clk.Advance(5 * time.Second)
	if !breaker.Allow() || breaker.Allow() {
		t.Error("after the wait, exactly one call should try Redis")
	}
}
