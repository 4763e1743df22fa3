package cli

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/outbox"
)

// redisStartCheck bounds the one look at Redis at start: jiesu starts
// either way, and says which way it found Redis.
const redisStartCheck = 2 * time.Second

// sharedRedis is Redis as the replicas share it: one client for the cache
// (access tokens, callback dedup) and the rate limits, both with an
// in-process stand-in behind one breaker while Redis does not answer.
type sharedRedis struct {
	cache   *cache.Shared
	limiter *outbox.FallbackLimiter
	breaker *cache.Breaker
}

func newSharedRedis(cfg *config.Config, clk clock.Clock, log *zap.Logger, m *metrics.Metrics) (*sharedRedis, error) {
	r, err := cache.OpenRedis(cfg.Redis.URL, "jiesu:")
	if err != nil {
		return nil, err
	}
	series := m.NewRedis()
	log = log.Named("redis")
	breaker := cache.NewBreaker(clk, cache.DefaultRetryAfter, func(up bool, err error) {
		series.Up(up)
		if up {
			log.Info("Redis answers again: cache and rate limits are shared again")
			return
		}
		log.Error("Redis does not answer: the cache and rate limits run in process until it does, each platform limit at 1/redis.replicas",
			zap.Int("redis.replicas", cfg.Redis.Replicas), zap.Error(err))
	})
	ctx, cancel := context.WithTimeout(context.Background(), redisStartCheck)
	defer cancel()
	breaker.Done(r.Ping(ctx))
	return &sharedRedis{
		cache:   cache.NewShared(r, cache.NewMemory(clk), breaker, func() { series.FellBack(metrics.RedisUseCache) }),
		limiter: outbox.NewFallbackLimiter(outbox.NewRedisLimiter(r.Client(), "jiesu:limit:"), breaker, 1/float64(cfg.Redis.Replicas), func() { series.FellBack(metrics.RedisUseLimiter) }),
		breaker: breaker,
	}, nil
}

func (s *sharedRedis) close() error { return s.cache.Close() }

// state is what /readyz says of Redis. An unanswering Redis does not make
// the replica unready: it serves on, with its in-process stand-ins.
func (s *sharedRedis) state() string {
	// The error names Redis's address: it stays in the log, out of a probe
	// anyone may call.
	down, since := s.breaker.Down()
	if !down {
		return "ok"
	}
	return fmt.Sprintf("unreachable since %s: cache and rate limits in process", since.Format(time.RFC3339))
}
