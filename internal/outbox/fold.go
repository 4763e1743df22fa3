package outbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/render"
)

// foldDue sends a digest for each target with messages held back by its
// rate limit, one of them now due: what does not fit the limit one by one
// is folded, always, so a burst of 500 dispatches reaches a group robot
// that takes 20 a minute within minutes and loses nothing. Held messages
// are this path's alone (the ordinary claim leaves them), and a digest
// takes every message waiting for the target, due or not: held at
// different times, they would otherwise come due one by one and go out
// one per slot. Targets take turns, one digest each, until their limits
// are full or a round's Batch of digests went out. It returns how many
// messages it claimed.
func (w *Worker) foldDue(ctx context.Context) (int, error) {
	if w.folds == nil {
		return 0, nil
	}
	now := w.clock.Now()
	groups, err := w.folds.DueFolds(ctx, now, w.cfg.Batch)
	if err != nil {
		return 0, fmt.Errorf("outbox: %w", err)
	}
	claimed, digests := 0, 0
	var errs []error
	for len(groups) > 0 && digests < w.cfg.Batch && ctx.Err() == nil {
		next := groups[:0]
		for _, g := range groups {
			if digests >= w.cfg.Batch || ctx.Err() != nil {
				break
			}
			// Each claim's lease runs from its own time: the digests
			// before it took some.
			items, err := w.folds.ClaimFold(ctx, g.Key, w.clock.Now(), w.cfg.Lease, g.Max)
			if err != nil {
				errs = append(errs, fmt.Errorf("outbox: %w", err))
				continue
			}
			if len(items) == 0 {
				continue // another replica took them
			}
			claimed += len(items)
			digests++
			g.Count -= len(items)
			// Messages sent in a digest before go again as that digest.
			items, more, err := w.resendDigests(ctx, items)
			claimed += more
			errs = append(errs, err)
			held, err := w.deliverFold(ctx, g.Key, items)
			errs = append(errs, err)
			// What is left of the backlog is folded too (the ordinary
			// claim leaves held messages to this path).
			if !held && g.Count > 0 {
				next = append(next, g)
			}
		}
		groups = next
	}
	return claimed, errors.Join(errs...)
}

// folded is one message of a digest, prepared to go.
type folded struct {
	a   *attempt
	p   planned
	msg bot.Message
}

// deliverFold sends items, all waiting under fold key, as one digest. A
// message that no longer folds (its case moved on, its part changed, it
// may have gone out alone before) is delivered or settled on its own. It
// reports whether the target's limit had no room, so that they wait again.
func (w *Worker) deliverFold(ctx context.Context, key string, items []cases.OutboxItem) (held bool, err error) {
	parts, errs := w.prepareFolded(ctx, items, func(it cases.OutboxItem, p planned) bool { return p.d.Fold == key && foldable(it) },
		func(_ *attempt, it cases.OutboxItem) error { return w.deliver(ctx, it) })
	switch len(parts) {
	case 0:
		return false, errors.Join(errs...)
	case 1:
		return false, errors.Join(append(errs, w.deliverOne(ctx, parts[0].a, parts[0].p, parts[0].msg))...)
	}
	held, err = w.sendFolded(ctx, parts, "")
	return held, errors.Join(append(errs, err)...)
}

// prepareFolded prepares items for a digest: those whose part fits go in it;
// the others are settled by misfit.
func (w *Worker) prepareFolded(ctx context.Context, items []cases.OutboxItem, fits func(cases.OutboxItem, planned) bool,
	misfit func(*attempt, cases.OutboxItem) error) ([]folded, []error) {
	var parts []folded
	var errs []error
	for _, it := range items {
		a := w.newAttempt(it)
		msg, addrs, done, err := w.prepare(ctx, a)
		if done {
			errs = append(errs, err)
			continue
		}
		var p planned
		perr := ErrUnknownPart
		if ref, split := it.Data[deliveryKey]; split {
			p, perr = w.part(addrs, msg, ref)
		} else if ps, _ := w.plan(addrs, msg); len(ps) > 0 {
			// A message split stands for its first part.
			if first, ok := inlinePart(ps); ok {
				p, perr = first, nil
			}
		}
		if perr != nil || !fits(it, p) {
			errs = append(errs, misfit(a, it))
			continue
		}
		parts = append(parts, folded{a: a, p: p, msg: msg})
	}
	return parts, errs
}

// sendFolded sends parts as one digest under its limits, under key (a new
// digest's when empty). It reports whether the limit had no room.
func (w *Worker) sendFolded(ctx context.Context, parts []folded, key string) (held bool, err error) {
	var errs []error
	first := parts[0].p
	ok, at, err := w.limiter.Take(ctx, w.clock.Now(), first.d.Limits)
	if err != nil || !ok {
		for _, f := range parts {
			if err != nil {
				errs = append(errs, w.retry(ctx, f.a, err))
			} else {
				errs = append(errs, w.hold(ctx, f.a, at, f.p.d))
			}
		}
		if err == nil && first.d.Fold != "" {
			// The rest of the backlog waits for the same room (key is the
			// digest's; the backlog waits under the delivery's fold key).
			errs = append(errs, w.folds.DeferFold(ctx, first.d.Fold, at))
		}
		return true, errors.Join(errs...)
	}
	digest, err := w.digest(cases.Template(first.d.DigestTemplate), parts, key)
	if err != nil {
		// The digest template is broken: each message waits on its own,
		// which the operator sees as a backlog and the dead digest log.
		w.log.Error("render digest", zap.String("template", first.d.DigestTemplate), zap.Error(err))
		for _, f := range parts {
			errs = append(errs, w.retry(ctx, f.a, err))
		}
		return false, errors.Join(errs...)
	}
	return false, w.sendDigest(ctx, first, digest, parts)
}

// digest renders the digest's introduction and puts the messages under it.
func (w *Worker) digest(template cases.Template, parts []folded, key string) (bot.Message, error) {
	d, err := w.render.Render(template, render.Data{Extra: render.Extra(render.DigestData{Count: strconv.Itoa(len(parts))}), Now: w.clock.Now()})
	if err != nil {
		return bot.Message{}, err
	}
	d.Kind = parts[0].msg.Kind
	d.DedupKey = key
	if key == "" {
		d.DedupKey = "digest/" + parts[0].msg.DedupKey
	}
	for _, f := range parts {
		d.Digest = append(d.Digest, f.msg)
	}
	return d, nil
}

// sendDigest sends the digest and settles every message in it alike.
func (w *Worker) sendDigest(ctx context.Context, p planned, digest bot.Message, parts []folded) error {
	// The digest is sent under the shortest lease of its messages.
	probe := &attempt{log: w.log, it: cases.OutboxItem{LeaseUntil: parts[0].a.it.LeaseUntil, SentAs: parts[0].a.it.SentAs}}
	items := make([]cases.OutboxItem, len(parts))
	for i, f := range parts {
		items[i] = f.a.it
		if l := f.a.it.LeaseUntil; l.Before(probe.it.LeaseUntil) {
			probe.it.LeaseUntil = l
		}
	}
	if err := w.handOver(ctx, probe, items, digest.DedupKey); err != nil {
		probe.fail = append(probe.fail, failure{bot.PlatformNone, err})
	} else {
		w.send(ctx, probe, p.addr, digest, p.d.Part)
	}
	var errs []error
	ids := make([]int64, 0, len(parts))
	for _, f := range parts {
		f.a.sent, f.a.fail = probe.sent, probe.fail
		ids = append(ids, f.a.it.ID)
		errs = append(errs, w.outcome(ctx, f.a))
	}
	if len(probe.fail) == 0 {
		w.log.Info("digest delivered", zap.String("platform", p.addr.Platform), zap.String("part", p.d.Part),
			zap.Int("messages", len(parts)))
	}
	if len(probe.fail) == 0 || permanent(probe) {
		if err := w.folds.Unfold(ctx, ids); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
