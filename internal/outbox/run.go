package outbox

import (
	"context"
	"time"

	"go.uber.org/zap"
)

// Run delivers until ctx is done: a batch every PollInterval, the next one
// at once when a batch came back full, and one as soon as Notify is
// called. It returns nil when ctx ends; a failing store is logged and
// retried at the next poll rather than ending the loop.
func (w *Worker) Run(ctx context.Context) error {
	ticker := time.NewTicker(w.cfg.PollInterval)
	defer ticker.Stop()
	w.log.Info("outbox worker started", zap.Duration("poll", w.cfg.PollInterval), zap.Int("batch", w.cfg.Batch))
	for {
		n, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			w.log.Info("outbox worker stopped")
			return nil
		}
		if err != nil {
			w.log.Warn("outbox round failed", zap.Error(err))
		}
		if err == nil && n >= w.cfg.Batch {
			continue // more may be due now
		}
		select {
		case <-ctx.Done():
			w.log.Info("outbox worker stopped")
			return nil
		case <-ticker.C:
		case <-w.wake:
		}
	}
}

// Notify wakes Run early, typically after a commit that queued messages,
// so a dispatch reaches the unit within milliseconds rather than a poll
// interval. It never blocks; wake-ups while one is pending merge into it.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}
