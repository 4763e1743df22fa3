package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"go.uber.org/zap"
)

// DefaultConcurrency is how many cases' messages a worker delivers at once.
// A delivery waits mostly on the platform and the database; one at a time,
// a burst of dispatches (three sends and a dozen statements each) queues up
// behind itself.
const DefaultConcurrency = 4

// deliverAll delivers a claimed batch: the messages of one case in their
// order (a group sees "new case" before "accepted"), different cases side
// by side. It stops starting deliveries when one could outlast the lease,
// or when ctx ends (the worker stops), and gives the messages it did not
// start back to the queue at once, for this replica or another.
func (w *Worker) deliverAll(ctx context.Context, items []cases.OutboxItem, leaseEnd time.Time) []error {
	var groups [][]cases.OutboxItem
	byCase := map[int64]int{}
	for _, it := range items {
		if i, ok := byCase[it.CaseID]; ok && it.CaseID != 0 {
			groups[i] = append(groups[i], it)
			continue
		}
		byCase[it.CaseID] = len(groups)
		groups = append(groups, []cases.OutboxItem{it})
	}
	var (
		mu    sync.Mutex
		errs  []error
		wg    sync.WaitGroup
		left  atomic.Int32
		warn  sync.Once
		slots = make(chan struct{}, w.cfg.Concurrency)
	)
	left.Store(int32(len(items)))
	for _, g := range groups {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			for k, it := range g {
				var why string
				if ctx.Err() != nil {
					why = "not started: the worker stopped"
				} else if w.clock.Now().Add(w.cfg.SendTimeout).After(leaseEnd) {
					// Past this point a send could outlast the lease and
					// race another replica that reclaims the message.
					warn.Do(func() { w.log.Warn("lease running out; leaving the rest of the batch", zap.Int32("left", left.Load())) })
					why = "not started: the batch's lease ran short"
				}
				if why != "" {
					if err := w.release(ctx, g[k:], why); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
					return
				}
				err := w.deliver(ctx, it)
				left.Add(-1)
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return errs
}

// release puts claimed messages that were not tried, or not to the end,
// back to the queue, due now, without counting their claim's attempt where
// the store can (DeferOutbox); otherwise the attempt stays counted, and a
// message released this way is tried first in the next batch.
func (w *Worker) release(ctx context.Context, items []cases.OutboxItem, why string) error {
	ctx, cancel := recordCtx(ctx)
	defer cancel()
	w.log.Info("claimed messages given back", zap.Int("count", len(items)), zap.String("why", why))
	now := w.clock.Now()
	var errs []error
	for _, it := range items {
		var err error
		if w.folds != nil {
			err = w.folds.DeferOutbox(ctx, it.ID, it.Attempts, now, "", 0)
		} else {
			err = w.store.MarkRetry(ctx, it.ID, it.Attempts, why, now)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("outbox message %d: %w", it.ID, err))
		}
	}
	return errors.Join(errs...)
}
