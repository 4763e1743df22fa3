package outbox

import (
	"time"

	"github.com/jiesu/jiesu/bot"
)

// backoffCeiling is Backoff·2^(attempt-1), capped at MaxBackoff: the upper
// bound of the wait after the attempt-th failure.
func backoffCeiling(base, maxWait time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt; i++ {
		d *= 2
		if d >= maxWait || d <= 0 { // d <= 0: overflowed
			return maxWait
		}
	}
	return min(d, maxWait)
}

// nextAttempt is when a message that failed with errs on its attempt-th try
// is due again. A platform that said how long to wait (a rate-limit window)
// is obeyed, even beyond MaxBackoff: asking sooner would fail again.
func (w *Worker) nextAttempt(now time.Time, attempt int, errs []error) time.Time {
	var wait time.Duration
	for _, err := range errs {
		wait = max(wait, bot.RetryAfter(err))
	}
	if wait > 0 {
		return now.Add(wait)
	}
	ceiling := backoffCeiling(w.cfg.Backoff, w.cfg.MaxBackoff, attempt)
	return now.Add(min(max(w.jitter(ceiling), 0), ceiling))
}
