package sla

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

// DefaultSweepLimit bounds the cases one sweep looks at. A backlog larger
// than this (a long outage) is worked off over the next sweeps; each
// recipient then gets one digest per sweep.
const DefaultSweepLimit = 10000

// Sweeper is the escalation sweep, a Job named "sla".
type Sweeper struct {
	store  *store.Store
	cfg    *config.Config
	policy Policy
	limit  int
	queued func()
	rec    Recorder
	log    *zap.Logger
}

// SweeperParams are what a Sweeper is built from; Store and Config are
// required.
type SweeperParams struct {
	Store  *store.Store
	Config *config.Config
	// Limit bounds the cases of one sweep; default DefaultSweepLimit.
	Limit int
	// Queued, if set, is called after a sweep that queued messages, so the
	// outbox worker delivers them without waiting for its next poll.
	Queued func()
	// Recorder counts the steps each sweep fired, skipped or failed to
	// fire; default none.
	Recorder Recorder
	Log      *zap.Logger
}

// NewSweeper builds the escalation sweep from the configured chains.
func NewSweeper(p SweeperParams) (*Sweeper, error) {
	if p.Store == nil || p.Config == nil {
		return nil, errors.New("sla: Store and Config are required")
	}
	policy, err := PolicyFrom(p.Config)
	if err != nil {
		return nil, fmt.Errorf("sla: %w", err)
	}
	s := &Sweeper{store: p.Store, cfg: p.Config, policy: policy, limit: p.Limit, queued: p.Queued, rec: p.Recorder, log: p.Log}
	if s.limit <= 0 {
		s.limit = DefaultSweepLimit
	}
	if s.queued == nil {
		s.queued = func() {}
	}
	if s.rec == nil {
		s.rec = nopRecorder{}
	}
	if s.log == nil {
		s.log = zap.NewNop()
	}
	s.log = s.log.Named("sla")
	return s, nil
}

// Policy returns the chains the sweep applies.
func (s *Sweeper) Policy() Policy { return s.policy }

// Name is the job's name, and its lease's.
func (s *Sweeper) Name() string { return "sla" }

// Result is what one sweep did.
type Result struct {
	Cases    int // cases looked at: due, or changed since their last look
	Fired    int // steps fired
	Skipped  int // steps due whose condition no longer held
	Messages int // messages queued (a digest counts once)
}

// Run sweeps once at now; see RunAt.
func (s *Sweeper) Run(ctx context.Context, now time.Time) error {
	_, err := s.RunAt(ctx, now)
	return err
}

// RunAt fires every escalation step due at now that no sweep fired before,
// in one transaction: the marks that claim them, their messages (one
// digest per recipient who gets several) and an event on each case.
func (s *Sweeper) RunAt(ctx context.Context, now time.Time) (Result, error) {
	var res Result
	err := s.store.Sweep(ctx, func(t *store.SweepTx) error {
		res = Result{}
		if changed, err := t.SLAPolicy(ctx, s.policy.Fingerprint()); err != nil {
			return err
		} else if changed {
			s.log.Info("escalation policy changed: every case on the clock is looked at again", zap.String("policy", s.policy.Fingerprint()))
		}
		due, err := t.DueCases(ctx, now, s.limit)
		if err != nil {
			return err
		}
		res.Cases = len(due)
		if len(due) == s.limit {
			s.log.Warn("sweep limit reached; the rest waits for the next sweep", zap.Int("limit", s.limit))
		}
		fired, marks, next := s.plan(due, now)
		won, err := t.Claim(ctx, marks)
		if err != nil {
			return err
		}
		fired = slices.DeleteFunc(fired, func(f firing) bool { return !won[caseKey(f.c, f.step)] })
		res.Fired, res.Skipped = len(fired), countSkipped(marks, won)
		items, events, err := s.address(ctx, t, fired, now)
		if err != nil {
			return err
		}
		msgs := compose(items)
		if res.Messages, err = t.Enqueue(ctx, msgs, now); err != nil {
			return err
		}
		if err := t.AppendEvents(ctx, events); err != nil {
			return err
		}
		return t.SetNext(ctx, next)
	})
	if err != nil {
		// What the rolled-back attempt had claimed to fire; the next sweep
		// finds the same steps due.
		s.rec.StepsSwept(0, 0, res.Fired)
		return Result{}, fmt.Errorf("sla sweep: %w", err)
	}
	s.rec.StepsSwept(res.Fired, res.Skipped, 0)
	if res.Messages > 0 {
		s.queued()
	}
	if res.Fired > 0 || res.Skipped > 0 {
		s.log.Info("swept", zap.Int("cases", res.Cases), zap.Int("fired", res.Fired),
			zap.Int("skipped", res.Skipped), zap.Int("messages", res.Messages))
	}
	return res, nil
}

// plan works out, for each due case, the steps due and the case's next
// step: the marks to claim (sent when the condition holds, skipped when
// not) and the firings that go with the sent ones.
func (s *Sweeper) plan(due []store.SLACase, now time.Time) (fired []firing, marks []store.SLAMark, next []store.SLANext) {
	next = make([]store.SLANext, 0, len(due))
	for _, c := range due {
		steps, at := dueSteps(c, s.policy.Chain(c.Tier), now)
		next = append(next, store.SLANext{CaseID: c.ID, Version: c.Version, At: at})
		for _, st := range steps {
			outcome := store.SLASkipped
			if Holds(string(st.If), c) {
				outcome = store.SLASent
				kind, phrase, by := measure(c, st, now)
				fired = append(fired, firing{c: c, step: st, due: st.When(c), kind: kind, phrase: phrase, by: by})
			}
			marks = append(marks, store.SLAMark{Key: caseKey(c, st), CaseID: c.ID, Outcome: outcome, At: now})
		}
	}
	return fired, marks, next
}

func countSkipped(marks []store.SLAMark, won map[string]bool) int {
	n := 0
	for _, m := range marks {
		if m.Outcome == store.SLASkipped && won[m.Key] {
			n++
		}
	}
	return n
}

// address resolves whom each fired step tells, and the event that records
// it on the case. A case grouped in an incident tells each recipient only
// if it is the first of the incident's cases to reach the step for them;
// the recipients already told are "covered" in its event.
func (s *Sweeper) address(ctx context.Context, t *store.SweepTx, fired []firing, now time.Time) ([]item, []cases.Event, error) {
	targets := make([][]cases.Recipient, len(fired))
	var (
		marks     []store.SLAMark
		claimedBy = map[string]int64{} // incident step and recipient → the case that claims it
		incidents []int64
	)
	for i, f := range fired {
		targets[i] = recipients(s.cfg, f.step, f.c)
		if !grouped(f.c) {
			continue
		}
		if !slices.Contains(incidents, f.c.Incident) {
			incidents = append(incidents, f.c.Incident)
		}
		for _, to := range targets[i] {
			k := incidentKey(f.c.Incident, f.step, to)
			if _, ok := claimedBy[k]; !ok {
				claimedBy[k] = f.c.ID
				marks = append(marks, store.SLAMark{Key: k, CaseID: f.c.ID, Outcome: store.SLASent, At: now})
			}
		}
	}
	won, err := t.Claim(ctx, marks)
	if err != nil {
		return nil, nil, err
	}
	sizes, err := t.IncidentSizes(ctx, incidents)
	if err != nil {
		return nil, nil, err
	}
	var items []item
	perFiring := make([][]int, len(fired)) // indexes into items
	covered := make([][]string, len(fired))
	perRecipient := map[cases.Recipient]int{}
	for i, f := range fired {
		for _, to := range targets[i] {
			it := item{f: f, to: to, key: caseKey(f.c, f.step)}
			if grouped(f.c) {
				k := incidentKey(f.c.Incident, f.step, to)
				// Only the case that won the claim tells; an earlier sweep's
				// claim, or another case's in this one, covers the rest.
				if !won[k] || claimedBy[k] != f.c.ID {
					covered[i] = append(covered[i], label(to))
					continue
				}
				it.key, it.count = k, sizes[f.c.Incident]
			}
			perFiring[i] = append(perFiring[i], len(items))
			items = append(items, it)
			perRecipient[to]++
		}
	}
	events := make([]cases.Event, len(fired))
	for i, f := range fired {
		sent, digested := []string{}, []string(nil)
		for _, j := range perFiring[i] {
			sent = append(sent, label(items[j].to))
			if perRecipient[items[j].to] > 1 {
				digested = append(digested, label(items[j].to))
			}
		}
		events[i] = stepEvent(f, sent, digested, covered[i], now)
	}
	return items, events, nil
}

// stepEvent records a fired step in the case's history: which step, due
// when, what it measured, and whom it told (alone, in a digest, or
// covered by its incident's earlier message).
func stepEvent(f firing, sent, digested, covered []string, now time.Time) cases.Event {
	kind := EventEscalate
	if f.kind == KindReminder {
		kind = EventRemind
	}
	return cases.Event{CaseID: f.c.ID, Kind: kind, Actor: "system", At: now, From: f.c.State, To: f.c.State,
		Data: cases.PayloadData(stepPayload(f, sent, digested, covered))}
}
