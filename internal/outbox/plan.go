package outbox

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// FoldStore is what the worker needs beyond Store to queue a message's
// parts as messages of their own, hold a message back for a rate limit
// without using an attempt, and fold waiting messages into digests;
// *store.Store has it. Without one, a message's parts go out in one attempt
// and a full rate limit is retried like a failure.
type FoldStore interface {
	Enqueue(ctx context.Context, items []cases.OutboxItem, now time.Time) (int, error)
	DeferOutbox(ctx context.Context, id int64, attempt int, next time.Time, foldKey string, foldMax int) error
	DueFolds(ctx context.Context, now time.Time, limit int) ([]store.FoldGroup, error)
	ClaimFold(ctx context.Context, key string, now time.Time, lease time.Duration, limit int) ([]cases.OutboxItem, error)
	DeferFold(ctx context.Context, key string, next time.Time) error
	BacklogOf(ctx context.Context, key string, to cases.Recipient) (store.Backlog, error)
	Unfold(ctx context.Context, ids []int64) error
	ClaimSentAs(ctx context.Context, key string, now time.Time, lease time.Duration) ([]cases.OutboxItem, error)
}

// deliveryKey is the data key of a message that carries one part of the
// message it was split from: "<address index>/<part>".
const deliveryKey = "_delivery"

// PlatformSplit is recorded as the platform of a message whose parts were
// queued as messages of their own.
const PlatformSplit = "split"

// ErrUnknownPart is a split message whose part its platform no longer
// plans (the configuration changed in between).
var ErrUnknownPart = errors.New("unknown part")

// planned is one delivery of a message: a part for one address.
type planned struct {
	index int // of the address among the message's
	addr  bot.Address
	d     bot.Delivery
}

// plan lists the deliveries of msg to addrs. It reports whether any sender
// planned parts or limits; if none did, the message goes out as before,
// to every address in one attempt.
func (w *Worker) plan(addrs []bot.Address, msg bot.Message) ([]planned, bool) {
	var out []planned
	hasPlan := false
	for i, addr := range addrs {
		p, ok := w.senders[addr.Platform].(bot.Planner)
		if !ok {
			out = append(out, planned{index: i, addr: addr})
			continue
		}
		for _, d := range p.Plan(bot.Outbound{Address: addr, Message: msg}) {
			out = append(out, planned{index: i, addr: addr, d: d})
			hasPlan = hasPlan || d.Part != "" || d.Template != "" || len(d.Limits) > 0
		}
	}
	return out, hasPlan
}

// deliverPlanned delivers a message its senders plan: one part of a split
// message, the only part under its limits, or the split of a message with
// several parts into messages of their own. It reports false when no
// sender plans the message, which then goes out whole.
func (w *Worker) deliverPlanned(ctx context.Context, a *attempt, addrs []bot.Address, msg bot.Message) (bool, error) {
	if ref, ok := a.it.Data[deliveryKey]; ok {
		p, err := w.part(addrs, msg, ref)
		if err != nil {
			return true, w.dead(ctx, a, err)
		}
		return true, w.deliverOne(ctx, a, p, msg)
	}
	ps, hasPlan := w.plan(addrs, msg)
	switch {
	case !hasPlan:
		return false, nil
	case len(ps) == 1 && ps[0].d.Template == "":
		return true, w.deliverOne(ctx, a, ps[0], msg)
	case w.folds == nil:
		// Nowhere to queue the parts: send them in this attempt, and let
		// a retry repeat them all, as for several addresses.
		for _, p := range ps {
			if p.d.Template != "" {
				continue // a part of its own template needs a message of its own
			}
			w.send(ctx, a, p.addr, msg, p.d.Part)
		}
		return true, w.outcome(ctx, a)
	}
	return true, w.split(ctx, a, ps, msg)
}

// part finds the delivery a split message carries.
func (w *Worker) part(addrs []bot.Address, msg bot.Message, ref string) (planned, error) {
	i, part, _ := strings.Cut(ref, "/")
	n, err := strconv.Atoi(i)
	if err != nil || n < 0 || n >= len(addrs) {
		return planned{}, fmt.Errorf("part %q of %d addresses: %w", ref, len(addrs), ErrUnknownPart)
	}
	addr := addrs[n]
	p, ok := w.senders[addr.Platform].(bot.Planner)
	if !ok {
		return planned{index: n, addr: addr, d: bot.Delivery{Part: part}}, nil
	}
	for _, d := range p.Plan(bot.Outbound{Address: addr, Message: msg, Part: part}) {
		if d.Part == part {
			return planned{index: n, addr: addr, d: d}, nil
		}
	}
	return planned{}, fmt.Errorf("%s part %q: %w", addr.Platform, part, ErrUnknownPart)
}

// split queues the deliveries after the first as messages of their own,
// due now, and delivers the first in this message, which from then on
// stands for that part alone: its retries, holds and digests are the first
// part's, and it queues the others again only as a no-op (their dedup keys
// are taken). Each part is limited, retried or dead-lettered alone: a
// retry of the WeCom card never reposts the group notice, which the robot
// could not deduplicate. A first part of a template of its own cannot
// stand in for the message; then every part is queued and the message is
// done.
func (w *Worker) split(ctx context.Context, a *attempt, ps []planned, msg bot.Message) error {
	first, inline := inlinePart(ps)
	rest := ps
	if inline {
		rest = ps[1:]
	}
	now := w.clock.Now()
	items := make([]cases.OutboxItem, len(rest))
	for i, p := range rest {
		ref := strconv.Itoa(p.index) + "/" + p.d.Part
		data := maps.Clone(a.it.Data)
		if data == nil {
			data = map[string]string{}
		}
		data[deliveryKey] = ref
		template := a.it.Template
		if p.d.Template != "" {
			template = cases.Template(p.d.Template)
		}
		items[i] = cases.OutboxItem{CaseID: a.it.CaseID, Template: template, To: a.it.To, Data: data,
			DedupKey: a.it.DedupKey + "/" + ref, NextAttemptAt: now, OnlyWhile: a.it.OnlyWhile}
	}
	if n, err := w.folds.Enqueue(ctx, items, now); err != nil {
		return w.retry(ctx, a, fmt.Errorf("queue parts: %w", err))
	} else if n > 0 {
		a.log.Debug("split into parts", zap.Int("queued", n))
		w.Notify()
	}
	if !inline {
		return w.markSent(ctx, a, PlatformSplit, strconv.Itoa(len(items))+" parts")
	}
	return w.deliverOne(ctx, a, first, msg)
}

// inlinePart is the delivery a message that was split stands for itself
// (see split), if any.
func inlinePart(ps []planned) (planned, bool) {
	if len(ps) == 0 || ps[0].d.Template != "" {
		return planned{}, false
	}
	return ps[0], true
}

// deliverOne sends one delivery under its limits. When a limit is full the
// message waits, without using an attempt, until there is room; a
// foldable one may then go out in a digest with others for the same
// target. A foldable message for a target whose backlog exceeds its limit
// (or that has messages held already) joins it at once: sent alone, it
// would take a slot from the digest of them all.
func (w *Worker) deliverOne(ctx context.Context, a *attempt, p planned, msg bot.Message) error {
	if len(p.d.Limits) > 0 {
		// A backlog takes a new message into its digest; one that may
		// have gone out before goes again alone (foldable), so it waits
		// for the limit itself rather than join.
		if p.d.Fold != "" && w.folds != nil && foldable(a.it) {
			b, err := w.folds.BacklogOf(ctx, p.d.Fold, a.it.To)
			if err != nil {
				return w.retry(ctx, a, err)
			}
			if b.Held > 0 || b.Pending >= tightest(p.d.Limits) {
				return w.hold(ctx, a, w.clock.Now(), p.d)
			}
		}
		ok, at, err := w.limiter.Take(ctx, w.clock.Now(), p.d.Limits)
		if err != nil {
			return w.retry(ctx, a, err)
		}
		if !ok {
			return w.hold(ctx, a, at, p.d)
		}
	}
	w.send(ctx, a, p.addr, msg, p.d.Part)
	err := w.outcome(ctx, a)
	if p.d.Fold != "" && w.folds != nil && (len(a.fail) == 0 || a.it.Attempts >= w.cfg.MaxAttempts || permanent(a)) {
		// It may have waited foldable before; it waits no more.
		if uerr := w.folds.Unfold(ctx, []int64{a.it.ID}); uerr != nil {
			a.log.Warn("forget fold mark", zap.Error(uerr))
		}
	}
	return err
}

// hold puts the message back until its limits have room.
func (w *Worker) hold(ctx context.Context, a *attempt, until time.Time, d bot.Delivery) error {
	a.log.Debug("rate limited; held back", zap.Time("until", until), zap.String("fold", d.Fold))
	ctx, cancel := recordCtx(ctx)
	defer cancel()
	if w.folds == nil {
		if err := w.store.MarkRetry(ctx, a.it.ID, a.it.Attempts, "rate limited", until); err != nil {
			return fmt.Errorf("outbox message %d: %w", a.it.ID, err)
		}
		return nil
	}
	fold := d.Fold
	if !foldable(a.it) {
		fold = "" // it may have gone out before: it goes again as it went
	}
	if err := w.folds.DeferOutbox(ctx, a.it.ID, a.it.Attempts, until, fold, d.FoldMax); err != nil {
		return fmt.Errorf("outbox message %d: %w", a.it.ID, err)
	}
	return nil
}

// tightest is the fewest sends any of limits allows in its window.
func tightest(limits []bot.Limit) int {
	n := limits[0].Max
	for _, l := range limits[1:] {
		n = min(n, l.Max)
	}
	return n
}

func permanent(a *attempt) bool {
	for _, f := range a.fail {
		if !bot.IsPermanent(f.err) {
			return false
		}
	}
	return true
}
