package cli

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/clock"
)

// A failed worker that restarts waits restartFirst, then twice as long
// after each failure, up to restartMax; one that ran restartMax or longer
// before failing starts again from restartFirst.
const (
	restartFirst = time.Second
	restartMax   = time.Minute
)

// worker is a long-lived part of a running jiesu and what a failure of it
// does. A worker whose run returns nil before ctx ends has nothing more to
// do (the attachment downloads when WeChat is off); an error is logged and
// either restarts the worker after a backoff or stops the process, never
// neither.
type worker struct {
	name    string
	run     func(ctx context.Context) error
	restart bool // else its error ends serve, which exits non-zero
}

// waitFunc waits d, or until ctx ends (false). Tests inject one that
// does not read the clock.
type waitFunc func(ctx context.Context, d time.Duration) bool

func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// crew is the workers of a running jiesu.
type crew struct {
	log   *zap.Logger
	clock clock.Clock
	wait  waitFunc
	// failed carries the error of a worker that does not restart; serve
	// stops on the first. Buffered for all of them, so none blocks.
	failed chan error
	done   chan struct{} // closed when every worker has returned
}

// startWorkers runs ws until ctx ends.
func startWorkers(ctx context.Context, ws []worker, log *zap.Logger, clk clock.Clock, w waitFunc) *crew {
	c := &crew{log: log, clock: clk, wait: w, failed: make(chan error, len(ws)), done: make(chan struct{})}
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() {
			if err := c.keep(ctx, w); err != nil {
				c.failed <- err
			}
		})
	}
	go func() { wg.Wait(); close(c.done) }()
	return c
}

// keep runs w until ctx ends, restarting it after failures if it
// restarts, and returns the failure of one that does not.
func (c *crew) keep(ctx context.Context, w worker) error {
	backoff := restartFirst
	for {
		start := c.clock.Now()
		err := w.run(ctx)
		if err == nil || ctx.Err() != nil {
			return nil
		}
		if !w.restart {
			c.log.Error("worker failed: jiesu stops", zap.String("worker", w.name), zap.Error(err))
			return fmt.Errorf("worker %s: %w", w.name, err)
		}
		if c.clock.Now().Sub(start) >= restartMax {
			backoff = restartFirst
		}
		c.log.Error("worker failed: it restarts", zap.String("worker", w.name), zap.Duration("after", backoff), zap.Error(err))
		if !c.wait(ctx, backoff) {
			return nil
		}
		backoff = min(2*backoff, restartMax)
	}
}
