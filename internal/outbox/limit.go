package outbox

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/jiesu/jiesu/bot"
)

// Limiter keeps deliveries under the platforms' rate limits (a WeCom group
// robot takes 20 messages a minute, an app 30 per member). A limit is a
// sliding window: at most Max sends under a key in any Window, which is
// what "20 a minute" must mean for a platform that counts from any second.
type Limiter interface {
	// Take counts one send now against every limit, or against none when
	// any of them is full; then ok is false and retryAt is the earliest
	// time at which all of them have room again.
	Take(ctx context.Context, now time.Time, limits []bot.Limit) (ok bool, retryAt time.Time, err error)
}

// MemoryLimiter is the in-process Limiter, for a single replica.
type MemoryLimiter struct {
	mu   sync.Mutex
	sent map[string][]time.Time // per key, the sends still inside the longest window, oldest first
}

// NewMemoryLimiter returns an empty in-process limiter.
func NewMemoryLimiter() *MemoryLimiter { return &MemoryLimiter{sent: map[string][]time.Time{}} }

// Take implements Limiter.
func (m *MemoryLimiter) Take(_ context.Context, now time.Time, limits []bot.Limit) (bool, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var retryAt time.Time
	for _, l := range limits {
		log := m.prune(l.Key, now, l.Window)
		if len(log) < l.Max {
			continue
		}
		// The send that has to leave the window before one more fits.
		at := log[len(log)-l.Max].Add(l.Window)
		if at.After(retryAt) {
			retryAt = at
		}
	}
	if !retryAt.IsZero() {
		return false, retryAt, nil
	}
	for _, l := range limits {
		m.sent[l.Key] = append(m.sent[l.Key], now)
	}
	return true, time.Time{}, nil
}

// prune drops the sends under key that left the window ending at now. A
// send exactly one window ago has left it, as in the Redis script.
func (m *MemoryLimiter) prune(key string, now time.Time, window time.Duration) []time.Time {
	log := m.sent[key]
	i := 0
	for i < len(log) && !log[i].After(now.Add(-window)) {
		i++
	}
	if i > 0 {
		log = slices.Delete(log, 0, i)
		if len(log) == 0 {
			delete(m.sent, key)
		} else {
			m.sent[key] = log
		}
	}
	return log
}
