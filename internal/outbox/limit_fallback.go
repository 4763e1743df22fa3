package outbox

import (
	"context"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cache"
)

// DefaultFallbackShare is the part of each platform limit a replica takes
// on its own while Redis, which shares the limits between replicas, does
// not answer: half, right for two replicas.
const DefaultFallbackShare = 0.5

// FallbackLimiter takes from the Redis limiter that replicas share, and
// while Redis does not answer from an in-process one at Share of each
// limit, so that an outage never spends a delivery attempt or loses a
// message: with n replicas and a share of 1/n they stay together under
// the platform's limit. The breaker is the cache's, so one outage is seen
// once by both.
type FallbackLimiter struct {
	redis   *RedisLimiter
	local   *MemoryLimiter
	breaker *cache.Breaker
	share   float64
	// fellBack, when set, hears each Take that Redis did not serve.
	fellBack func()
}

// NewFallbackLimiter takes from r while breaker allows it, else locally at
// share (0 < share ≤ 1) of each limit.
func NewFallbackLimiter(r *RedisLimiter, breaker *cache.Breaker, share float64, fellBack func()) *FallbackLimiter {
	if share <= 0 || share > 1 {
		share = DefaultFallbackShare
	}
	if fellBack == nil {
		fellBack = func() {}
	}
	return &FallbackLimiter{redis: r, local: NewMemoryLimiter(), breaker: breaker, share: share, fellBack: fellBack}
}

// Take implements Limiter. It never fails for Redis's sake.
func (f *FallbackLimiter) Take(ctx context.Context, now time.Time, limits []bot.Limit) (bool, time.Time, error) {
	var ok bool
	var at time.Time
	if f.breaker.Try(func() (err error) { ok, at, err = f.redis.Take(ctx, now, limits); return err }, f.fellBack) {
		return ok, at, nil
	}
	return f.local.Take(ctx, now, f.shareOf(limits))
}

// shareOf is limits with each Max cut to the share, at least one send a
// window, so that nothing waits forever.
func (f *FallbackLimiter) shareOf(limits []bot.Limit) []bot.Limit {
	out := make([]bot.Limit, len(limits))
	for i, l := range limits {
		l.Max = max(1, int(float64(l.Max)*f.share))
		out[i] = l
	}
	return out
}
