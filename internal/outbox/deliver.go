package outbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/render"
)

// RunOnce claims up to Batch due messages and tries each once. It returns
// how many it claimed, so a caller knows whether more may be waiting, and
// the errors of recording outcomes (a failed send is not an error here: it
// is recorded as a retry or a dead letter).
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	// Digests first: what waited for a rate limit is the oldest.
	folded, err := w.foldDue(ctx)
	errs := []error{err}
	claimedAt := w.clock.Now()
	items, err := w.store.ClaimOutbox(ctx, claimedAt, w.cfg.Lease, w.cfg.Batch)
	if err != nil {
		return folded, errors.Join(append(errs, fmt.Errorf("outbox: %w", err))...)
	}
	claimed := len(items)
	items, n, err := w.resendDigests(ctx, items)
	errs = append(errs, err)
	errs = append(errs, w.deliverAll(ctx, items, claimedAt.Add(w.cfg.Lease))...)
	return folded + claimed + n, errors.Join(errs...)
}

// attempt is one message's way through the worker, gathering what the
// outcome's log line and metrics need.
type attempt struct {
	it   cases.OutboxItem
	c    cases.Case
	log  *zap.Logger
	sent []sent
	fail []failure
	// handed: the send state of this attempt is recorded (MarkSentAs).
	handed bool
}

type sent struct {
	platform string
	id       string
}

type failure struct {
	platform string
	err      error
}

// deliver tries one message and records the outcome. It returns only an
// error of recording it.
func (w *Worker) deliver(ctx context.Context, it cases.OutboxItem) error {
	a := w.newAttempt(it)
	msg, addrs, done, err := w.prepare(ctx, a)
	if done {
		return err
	}
	if planned, err := w.deliverPlanned(ctx, a, addrs, msg); planned {
		return err
	}
	for _, addr := range addrs {
		w.send(ctx, a, addr, msg, "")
	}
	return w.outcome(ctx, a)
}

func (w *Worker) newAttempt(it cases.OutboxItem) *attempt {
	return &attempt{it: it, log: w.log.With(
		zap.Int64("outbox_id", it.ID), zap.Int64("case_id", it.CaseID), zap.String("template", string(it.Template)),
		zap.String("to", string(it.To.Kind)+":"+it.To.ID), zap.Int("attempt", it.Attempts),
	)}
}

// prepare loads the message's case, renders the message and resolves its
// addresses. When there is nothing to send after all (the case is gone or
// moved on, the template is broken, nobody is there), it records that
// outcome and returns done, with the error of recording it.
func (w *Worker) prepare(ctx context.Context, a *attempt) (msg bot.Message, addrs []bot.Address, done bool, err error) {
	it := a.it
	if it.CaseID != 0 {
		c, err := w.store.GetCase(ctx, it.CaseID)
		if errors.Is(err, cases.ErrNotFound) {
			return msg, nil, true, w.dead(ctx, a, fmt.Errorf("case %d: %w", it.CaseID, err))
		}
		if err != nil {
			return msg, nil, true, w.retry(ctx, a, fmt.Errorf("load case %d: %w", it.CaseID, err))
		}
		a.c = c
		a.log = a.log.With(zap.String("case", c.Number))
		if it.OnlyWhile != "" && !it.OnlyWhile.Holds(c.State) {
			// Overtaken: e.g. a survey for a case the complainant already
			// rated. Done, with nothing to send.
			a.log.Info("case moved on; not sent", zap.String("state", string(c.State)), zap.String("only_while", string(it.OnlyWhile)))
			return msg, nil, true, w.markSent(ctx, a, bot.PlatformNone, "skipped")
		}
	}
	msg, err = w.render.Render(it.Template, render.Data{Case: a.c, Extra: it.Data, Now: w.clock.Now()})
	if err != nil {
		// A template that cannot render will not render on the next try
		// either; the operator fixes it and requeues.
		return msg, nil, true, w.dead(ctx, a, err)
	}
	msg.DedupKey = it.DedupKey
	if msg.DedupKey == "" {
		msg.DedupKey = fmt.Sprintf("outbox/%d", it.ID)
	}
	if it.SentAs != "" {
		// An earlier attempt may have arrived under this key: this one
		// goes under it too, so the platform can tell.
		msg.DedupKey = it.SentAs
	}
	addrs, err = w.resolver.Resolve(a.c, it.To)
	if errors.Is(err, ErrNoChatPath) {
		// By design, not a failure: the hotline calls this complainant back.
		a.log.Info("no chat path; marked sent without sending", zap.String("reason", err.Error()))
		return msg, nil, true, w.markSent(ctx, a, bot.PlatformNone, "")
	}
	if err != nil {
		return msg, nil, true, w.dead(ctx, a, err)
	}
	return msg, addrs, false, nil
}

// outcome records what the sends noted in a: sent, retry or dead.
func (w *Worker) outcome(ctx context.Context, a *attempt) error {
	if len(a.fail) == 0 {
		platforms, ids := make([]string, len(a.sent)), make([]string, len(a.sent))
		for i, s := range a.sent {
			platforms[i], ids[i] = s.platform, s.id
		}
		a.log.Info("delivered", zap.Strings("platforms", platforms))
		return w.markSent(ctx, a, strings.Join(platforms, ","), strings.Join(ids, ","))
	}
	errs := make([]error, len(a.fail))
	permanent := true
	for i, f := range a.fail {
		errs[i] = fmt.Errorf("%s: %w", f.platform, f.err)
		permanent = permanent && bot.IsPermanent(f.err)
	}
	if len(a.sent) > 0 {
		// The retry sends to every address again; the dedup key is what
		// keeps the ones already reached from a second copy.
		a.log.Warn("delivered to some platforms only", zap.Int("sent", len(a.sent)), zap.Int("failed", len(a.fail)))
	}
	if permanent {
		return w.dead(ctx, a, errors.Join(errs...))
	}
	return w.retry(ctx, a, errs...)
}

// send delivers msg (or its part) to one address and notes the outcome in a.
func (w *Worker) send(ctx context.Context, a *attempt, addr bot.Address, msg bot.Message, part string) {
	s, ok := w.senders[addr.Platform]
	if !ok {
		a.fail = append(a.fail, failure{addr.Platform, bot.Permanent(fmt.Errorf("%q: %w", addr.Platform, ErrNoSender))})
		return
	}
	timeout, err := w.leaseFor(ctx, a)
	if err != nil {
		a.fail = append(a.fail, failure{bot.PlatformNone, err})
		return
	}
	if err := w.handOver(ctx, a, []cases.OutboxItem{a.it}, msg.DedupKey); err != nil {
		a.fail = append(a.fail, failure{bot.PlatformNone, err})
		return
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := s.Send(sctx, bot.Outbound{Address: addr, Message: msg, Part: part, MayHaveArrived: mayHaveArrived(a.it, msg.DedupKey)})
	if err != nil {
		a.fail = append(a.fail, failure{addr.Platform, err})
		return
	}
	a.sent = append(a.sent, sent{addr.Platform, res.MessageID})
	w.metrics.Delivered(addr.Platform)
}

// leaseFor makes sure a's claim lasts for one more send and returns that
// send's timeout. Each address may take a whole send timeout, so a message
// to several can outlast the lease its start was checked against, and a
// send past the lease's end could run beside another replica's, which may
// claim the message from then on. So when less than a send is left, the
// claim is renewed first; a claim lost meanwhile sends nothing more. A
// digest, whose messages were claimed just before it, has no claim of its
// own to renew: its send ends with their lease at the latest.
func (w *Worker) leaseFor(ctx context.Context, a *attempt) (time.Duration, error) {
	lease, now := a.it.LeaseUntil, w.clock.Now()
	if lease.IsZero() || !now.Add(w.cfg.SendTimeout).After(lease) {
		return w.cfg.SendTimeout, nil
	}
	if a.it.ID == 0 {
		if left := lease.Sub(now); left > 0 {
			return min(w.cfg.SendTimeout, left), nil
		}
		return 0, bot.Retryable(ErrLeaseRunningOut, 0)
	}
	until := now.Add(w.cfg.Lease)
	held, err := w.store.RenewOutbox(ctx, a.it.ID, a.it.Attempts, until)
	if err != nil {
		return 0, bot.Retryable(fmt.Errorf("%w: %w", ErrLeaseRunningOut, err), 0)
	}
	if !held {
		return 0, bot.Retryable(ErrLeaseRunningOut, 0)
	}
	a.it.LeaseUntil = until
	return w.cfg.SendTimeout, nil
}

// recordTimeout bounds the recording of an outcome, which outlives the
// worker's context (recordCtx).
const recordTimeout = 10 * time.Second

// recordCtx is ctx for recording what a send did, even once ctx is
// cancelled: a message sent while the worker was told to stop must still
// be marked, or the next replica sends it again. It is bounded, so that a
// stop waits on a stuck database only so long.
func recordCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
}

func (w *Worker) markSent(ctx context.Context, a *attempt, platform, ids string) error {
	ctx, cancel := recordCtx(ctx)
	defer cancel()
	if err := w.store.MarkSent(ctx, a.it.ID, platform, ids, w.clock.Now()); err != nil {
		return fmt.Errorf("outbox message %d: %w", a.it.ID, err)
	}
	return nil
}

// retry schedules the next attempt, or gives up when this was the last. A
// failure while the worker stops (a send or a read cut short) is the
// stop's, not the message's: the message goes back to the queue at once
// (release), never to the dead letters.
func (w *Worker) retry(ctx context.Context, a *attempt, errs ...error) error {
	err := errors.Join(errs...)
	if ctx.Err() != nil {
		return w.release(ctx, []cases.OutboxItem{a.it}, "not finished: the worker stopped")
	}
	if a.it.Attempts >= w.cfg.MaxAttempts {
		return w.dead(ctx, a, fmt.Errorf("gave up after %d attempts: %w", a.it.Attempts, err))
	}
	now := w.clock.Now()
	next := w.nextAttempt(now, a.it.Attempts, errs)
	w.countFailures(a, FailureRetry)
	a.log.Warn("delivery failed; will retry", zap.Error(err), zap.Time("next_attempt", next))
	ctx, cancel := recordCtx(ctx)
	defer cancel()
	if err := w.store.MarkRetry(ctx, a.it.ID, a.it.Attempts, errorText(err), next); err != nil {
		return fmt.Errorf("outbox message %d: %w", a.it.ID, err)
	}
	return nil
}

func (w *Worker) dead(ctx context.Context, a *attempt, err error) error {
	w.countFailures(a, FailureDead)
	a.log.Error("delivery dead-lettered", zap.Error(err))
	ctx, cancel := recordCtx(ctx)
	defer cancel()
	if err := w.store.MarkDead(ctx, a.it.ID, a.it.Attempts, errorText(err), w.clock.Now()); err != nil {
		return fmt.Errorf("outbox message %d: %w", a.it.ID, err)
	}
	return nil
}

// countFailures counts one failure per platform that failed, or one under
// "none" when the message failed before reaching any platform.
func (w *Worker) countFailures(a *attempt, kind string) {
	if len(a.fail) == 0 {
		w.metrics.DeliveryFailed(bot.PlatformNone, kind)
		return
	}
	for _, f := range a.fail {
		w.metrics.DeliveryFailed(f.platform, kind)
	}
}

func errorText(err error) string {
	s := err.Error()
	if len(s) > maxErrorText {
		// Cut on a rune boundary: the text goes into a UTF-8 column.
		s = strings.ToValidUTF8(s[:maxErrorText], "")
	}
	return s
}
