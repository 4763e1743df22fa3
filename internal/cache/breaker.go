package cache

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jiesu/jiesu/internal/clock"
)

// DefaultRetryAfter is how long a Breaker keeps Redis out of the way after
// it failed to answer, before one call tries it again.
const DefaultRetryAfter = 5 * time.Second

// Breaker remembers that Redis did not answer, so that calls go straight
// to their in-process stand-in instead of each waiting for Redis's timeout
// (a WeChat callback has 5 s in all). After RetryAfter one call tries Redis
// again; its success closes the breaker for everyone.
type Breaker struct {
	clock      clock.Clock
	retryAfter time.Duration
	// OnChange, when set, hears every change of state: up is false when
	// Redis stopped answering, true when it answers again. It runs under
	// the breaker's lock: keep it short.
	onChange func(up bool, err error)

	mu        sync.Mutex
	down      bool
	downSince time.Time
	nextTry   time.Time
}

// NewBreaker returns a closed breaker (Redis presumed up).
func NewBreaker(clk clock.Clock, retryAfter time.Duration, onChange func(up bool, err error)) *Breaker {
	if clk == nil {
		clk = clock.Real{}
	}
	if retryAfter <= 0 {
		retryAfter = DefaultRetryAfter
	}
	return &Breaker{clock: clk, retryAfter: retryAfter, onChange: onChange}
}

// Allow reports whether a call should try Redis now: always while Redis is
// up; while it is down, one call per RetryAfter.
func (b *Breaker) Allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.down {
		return true
	}
	now := b.clock.Now()
	if now.Before(b.nextTry) {
		return false
	}
	b.nextTry = now.Add(b.retryAfter)
	return true
}

// Done records how a call to Redis went: a nil error closes the breaker, any
// other opens it.
func (b *Breaker) Done(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil {
		if b.down {
			b.down = false
			if b.onChange != nil {
				b.onChange(true, nil)
			}
		}
		return
	}
	now := b.clock.Now()
	b.nextTry = now.Add(b.retryAfter)
	if !b.down {
		b.down, b.downSince = true, now
		if b.onChange != nil {
			b.onChange(false, err)
		}
	}
}

// Down reports whether Redis is taken as down, and since when.
func (b *Breaker) Down() (down bool, since time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.down, b.downSince
}

// Try runs call on Redis when the breaker allows it, records how it went,
// and reports whether it served; if not, fellBack hears it and the caller
// uses its in-process stand-in. A call its caller gave up on says nothing
// of Redis.
func (b *Breaker) Try(call func() error, fellBack func()) bool {
	if !b.Allow() {
		fellBack()
		return false
	}
	err := call()
	if !errors.Is(err, context.Canceled) {
		b.Done(err)
	}
	if err != nil {
		fellBack()
		return false
	}
	return true
}
