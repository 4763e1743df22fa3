package service_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// Every state × every action, through the service onto a real store: what
// the domain allows writes the case with one event more, and what it
// refuses comes back as its typed error with the stored case, its events
// and the outbox exactly as they were. cases' own table test checks the
// state graph against docs/architecture.md; this one checks that the writes follow
// the verdict.
func TestEveryStateTimesEveryActionOnTheStore(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		svc, cfg := newService(t, st)
		ctx := context.Background()
		r := rig{t: t, st: st, svc: svc, cfg: cfg, n: new(int)}
		primary := r.caseIn(cases.StateDispatched, nil)

		allowedSomewhere := map[cases.Action]bool{}
		refusals := 0
		for _, state := range cases.States {
			refused := r.caseIn(state, nil) // shared by the refusals: each must leave it as it was
			for _, action := range cases.Actions {
				a := r.attempt(action)
				c := refused
				if a.prep != nil {
					c = r.caseIn(state, a.prep)
				}
				cmd := a.cmd
				cmd.Action = action
				if action == cases.ActionMerge {
					p := primary
					cmd.Primary = &p
				}
				_, verdict := cases.Apply(c, a.actor, cmd, r.now(), cfg.Policy())
				if !a.actor.CanRead(c) {
					// Refused before the domain is asked: a unit cannot see a
					// case the office holds.
					verdict = &cases.ForbiddenError{Action: action}
				}
				if verdict == nil && a.prep == nil {
					c = r.caseIn(state, nil) // an allowed action changes its case
				}
				before, primaryBefore := r.snapshot(c.ID), r.snapshot(primary.ID)
				cmd.Primary = nil
				_, err := svc.Act(ctx, a.actor, c.Number, cmd, primary.Number)
				after := r.snapshot(c.ID)
				name := fmt.Sprintf("%s from %s", action, state)
				if verdict != nil {
					refusals++
					if err == nil || !sameKind(err, verdict) {
						t.Errorf("%s: %v, want the domain's %v", name, err, verdict)
					}
					if d := storetest.Diff(before, after); d != "" {
						t.Errorf("%s: refused but the store changed:\n%s", name, d)
					}
					if d := storetest.Diff(primaryBefore, r.snapshot(primary.ID)); d != "" {
						t.Errorf("%s: refused but the merge's primary changed:\n%s", name, d)
					}
					continue
				}
				allowedSomewhere[action] = true
				if err != nil {
					t.Errorf("%s: %v, want allowed", name, err)
					continue
				}
				if after.Case.Version != before.Case.Version+1 || len(after.Events) != len(before.Events)+1 ||
					after.Events[len(after.Events)-1].Kind != string(action) {
					t.Errorf("%s: version %d → %d, %d → %d events; want one more version and one %s event",
						name, before.Case.Version, after.Case.Version, len(before.Events), len(after.Events), action)
				}
			}
		}
		for _, action := range cases.Actions {
			if !allowedSomewhere[action] {
				t.Errorf("%s was allowed from no state: the table tests nothing for it", action)
			}
		}
		if refusals == 0 {
			t.Error("no refusal was tried")
		}
	})
}

// sameKind reports whether two errors are the same class of refusal.
func sameKind(got, want error) bool {
	for _, sentinel := range []error{cases.ErrIllegalTransition, cases.ErrForbidden, cases.ErrInvalid} {
		if errors.Is(want, sentinel) {
			return errors.Is(got, sentinel)
		}
	}
	return false
}

type rig struct {
	t   *testing.T
	st  *store.Store
	svc *service.Service
	cfg *config.Config
	n   *int // cases made, for a building of each one's own
}

func (r rig) now() time.Time { return storetest.Epoch() }

type attempt struct {
	actor cases.Actor
	cmd   cases.Command
	prep  func(*cases.Case)
}

// attempt is, for each action, a member and a command that pass every
// check but the state's.
func (r rig) attempt(action cases.Action) attempt {
	office, handler, co := actor(r.t, r.cfg, "office-wang"), actor(r.t, r.cfg, "logistics-ma"), actor(r.t, r.cfg, "security-luo")
	pending := func(c *cases.Case) {
		c.Extension = &cases.Extension{Until: r.now().Add(72 * time.Hour), Status: cases.ExtensionPending, Reason: "需采购配件"}
	}
	switch action {
	case cases.ActionDispatch:
		return attempt{office, cases.Command{LeadUnit: "logistics", CoUnits: []string{"security"}}, nil}
	case cases.ActionAccept, cases.ActionContact:
		return attempt{handler, cases.Command{}, nil}
	case cases.ActionReturn:
		return attempt{handler, cases.Command{Reason: "不属于本单位职责"}, nil}
	case cases.ActionResolve:
		return attempt{handler, cases.Command{Result: "已更换电闸", Note: "保卫处无需到场"}, nil}
	case cases.ActionRate:
		return attempt{office, cases.Command{Rating: cases.RatingSatisfied}, nil}
	case cases.ActionWithdraw:
		return attempt{office, cases.Command{Reason: "已自行解决"}, nil}
	case cases.ActionRequestExtension:
		return attempt{handler, cases.Command{Reason: "需采购配件", Until: r.now().Add(72 * time.Hour)}, nil}
	case cases.ActionApproveExtension, cases.ActionRejectExtension:
		return attempt{office, cases.Command{}, pending}
	case cases.ActionExclude:
		return attempt{office, cases.Command{Exclusion: cases.ExcludeLegal}, nil}
	case cases.ActionCoAccept:
		return attempt{co, cases.Command{}, nil}
	case cases.ActionCoReport:
		return attempt{co, cases.Command{Report: "已巡查"}, nil}
	case cases.ActionSupplement:
		return attempt{office, cases.Command{Note: "补充：三楼也停电"}, nil}
	case cases.ActionChangeTier:
		return attempt{office, cases.Command{Tier: cases.TierUrgent}, nil}
	default: // feedback, close, merge
		return attempt{office, cases.Command{}, nil}
	}
}

// caseIn registers a case for logistics with security as co-unit and
// writes it into state, with prep applied: the state graph's every corner
// without walking each path to it. Each is about a building of its own, so
// that none joins another's incident (whose actions reach all its cases).
func (r rig) caseIn(state cases.State, prep func(*cases.Case)) cases.Case {
	r.t.Helper()
	*r.n++
	res, err := r.svc.Create(context.Background(), actor(r.t, r.cfg, "hotline-chen"), service.CreateInput{
		Channel: cases.ChannelHotline1234, Content: fmt.Sprintf("学生公寓%d号楼停电了", *r.n), Name: "张三", Contact: "13812345678",
		LeadUnit: "logistics", CoUnits: []string{"security"}, Hold: state == cases.StateRegistered,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	c := res.Case
	prev := c.Version
	c.State, c.Version = state, c.Version+1
	if state != cases.StateRegistered && state != cases.StateDispatched {
		c.FirstHandler, c.AcceptedAt = "logistics-ma", r.now()
	}
	if prep != nil {
		prep(&c)
	}
	if err := r.st.ApplyOutcome(context.Background(), prev, cases.Outcome{Case: c}); err != nil {
		r.t.Fatal(err)
	}
	got, err := r.st.GetCase(context.Background(), c.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return got
}

// snap is what a refusal must leave alone.
type snap struct {
	Case   cases.Case
	Events []cases.Event
	Outbox []cases.OutboxItem
}

func (r rig) snapshot(id int64) snap {
	r.t.Helper()
	ctx := context.Background()
	c, err := r.st.GetCase(ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	evs, err := r.st.Events(ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	out, err := r.st.ListOutbox(ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return snap{c, evs, out}
}
