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
// is due again: after the backoff, and never before a wait the platform
// asked for (a rate-limit window), even beyond MaxBackoff, since asking
// sooner would fail again. The wait is a floor, not the whole answer: a
// platform that keeps asking for one second (WeCom's 45033) would
// otherwise use up every attempt within seconds.
func (w *Worker) nextAttempt(now time.Time, attempt int, errs []error) time.Time {
	ceiling := backoffCeiling(w.cfg.Backoff, w.cfg.MaxBackoff, attempt)
	wait := min(max(w.jitter(ceiling), 0), ceiling)
	for _, err := range errs {
		wait = max(wait, bot.RetryAfter(err))
	}
	return now.Add(wait)
}
