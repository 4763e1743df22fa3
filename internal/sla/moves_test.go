package sla_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// What the case's people do when, and the sweep at each step time: the
// helper of the tests below, one case at a time.
func walk(t *testing.T, b *bundle, c cases.Case, acts []act, due ...time.Duration) cases.Case {
	t.Helper()
	l := &live{b: b, cases: []cases.Case{c}, acts: [][]act{acts}, due: due}
	l.run(t)
	return l.cases[0]
}

// An extension approved at 70 % of an essential case's window (24 h →
// 48 h) moves every later step that hangs on resolve_by: 75 % of the new
// window, the new resolve-by time and a day after it. Nothing fires at
// the old times.
func TestExtensionMovesLaterSteps(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st, nil, nil)
		c := storetest.Create(t, st, storetest.NewCase(t, t0, "logistics"))
		seventy := 24 * hour * 7 / 10
		acts := []act{
			accept(10 * minute), contact(hour),
			{seventy, cases.Command{Action: cases.ActionRequestExtension, Reason: "需更换配电柜", Until: t0.Add(2 * day)}, handlerID},
			{seventy + minute, cases.Command{Action: cases.ActionApproveExtension}, officeID},
		}
		// The old times (18 h, 24 h, 48 h) are swept too, and must stay quiet.
		c = walk(t, b, c, acts, 18*hour, day, 36*hour, 2*day, 3*day)
		want := []step{
			{36 * hour, remind, "75%", []string{handlerMa, unitHead}},
			{2 * day, escalate, "resolve_by", []string{office, vicePres}},
			{3 * day, escalate, "resolve_by+24h", []string{discipline}},
		}
		if got := steps(t, st, c); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("steps:\n got %v\nwant %v", got, want)
		}
	})
}

// A return stops the unit's clock: nothing fires while the case waits in
// the triage queue, however late it gets. Re-dispatch starts a new
// clock, whose steps fire afresh, the ones already fired on the old one
// included.
func TestReturnAndRedispatchRestartTheClock(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st, nil, nil)
		c := storetest.Create(t, st, storetest.NewCase(t, t0, "logistics"))
		acts := []act{
			{40 * minute, cases.Command{Action: cases.ActionReturn, Reason: "不属于本单位职责"}, handlerID},
			{3 * hour, cases.Command{Action: cases.ActionDispatch, LeadUnit: "logistics"}, officeID},
			accept(6 * hour), contact(6*hour + 30*minute), resolve(7 * hour),
		}
		c = walk(t, b, c, acts, 30*minute, 2*hour, 3*hour+30*minute, 4*hour, 5*hour)
		want := []step{
			{30 * minute, escalate, "dispatch+30m", []string{unitGroup, unitHead}},
			// Counted from the re-dispatch at 3 h.
			{30 * minute, escalate, "dispatch+30m", []string{unitGroup, unitHead}},
			{hour, escalate, "dispatch+1h", []string{unitHead, office}},
			{2 * hour, escalate, "contact_by", []string{unitHead, office}},
		}
		got := steps(t, st, c)
		// steps measures from the case's current dispatch; the first fired
		// on the old one, 3 h earlier.
		if len(got) > 0 {
			got[0].after += 3 * hour
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("steps:\n got %v\nwant %v", got, want)
		}
	})
}

// A merged case is closed into its primary: its own steps stop, the
// primary's go on.
func TestMergedCaseStopsItsSteps(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st, nil, nil)
		primary := storetest.Create(t, st, storetest.NewCase(t, t0, "logistics"))
		dup := storetest.Create(t, st, storetest.NewCase(t, t0, "logistics"))
		dup = storetest.Transition(t, st, dup, storetest.Office(), cases.Command{Action: cases.ActionMerge, Primary: &primary}, t0.Add(20*minute))
		for _, d := range []time.Duration{30 * minute, hour, 2 * hour, 18 * hour, day, 2 * day} {
			if _, err := b.sweeper.RunAt(context.Background(), t0.Add(d)); err != nil {
				t.Fatal(err)
			}
		}
		if got := steps(t, st, dup); len(got) != 0 {
			t.Errorf("the merged case got %v", got)
		}
		if got := steps(t, st, primary); len(got) != 6 {
			t.Errorf("the primary got %d steps, want all 6: %v", len(got), got)
		}
		if marks, _ := st.SLAMarks(context.Background(), dup.ID); len(marks) != 0 {
			t.Errorf("marks of the merged case: %v", marks)
		}
	})
}

// With the sweep on its interval, a step goes out at the first sweep at
// or after it is due: never early, at most one interval late.
func TestStepsFireWithinOneInterval(t *testing.T) {
	t.Parallel()
	st := storetest.NewSQLite(t)
	b := setup(t, st, nil, nil)
	c := storetest.Create(t, st, storetest.NewCase(t, t0, "logistics", func(in *cases.Intake) { in.Tier = cases.TierUrgent }))
	interval := b.cfg.SLA.SweepInterval
	for at := t0.Add(7 * time.Second); at.Before(t0.Add(2*hour + interval)); at = at.Add(interval) {
		if _, err := b.sweeper.RunAt(context.Background(), at); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := st.Events(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Kind != remind && e.Kind != escalate {
			continue
		}
		n++
		due, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(e.Data["due_at"]))
		if late := e.At.Sub(due); late < 0 || late >= interval {
			t.Errorf("%s due %s fired %s late", e.Data["step"], due, late)
		}
	}
	if want := len(b.sweeper.Policy().Chain(cases.TierUrgent)); n != want {
		t.Errorf("%d steps fired, want the urgent chain's %d", n, want)
	}
}

// A reminder the sweep queued is not delivered once the case left the
// clock before it went out (withdrawn here; merged and resolved alike):
// such a case gets nothing more.
func TestQueuedReminderDroppedWhenTheCaseLeavesTheClock(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st, nil, nil)
		c := storetest.Create(t, st, storetest.NewCase(t, t0, "logistics"))
		c = storetest.Transition(t, st, c, member(t, b.cfg, handlerID), cases.Command{Action: cases.ActionAccept}, t0.Add(10*minute))
		c = storetest.Transition(t, st, c, member(t, b.cfg, handlerID), cases.Command{Action: cases.ActionContact}, t0.Add(hour))
		b.clock.Set(t0.Add(hour))
		b.drain(t)
		before := len(b.platforms.shown())
		if _, err := b.sweeper.RunAt(context.Background(), t0.Add(18*hour)); err != nil { // queues the 75 % reminder
			t.Fatal(err)
		}
		storetest.Transition(t, st, c, storetest.Office(), cases.Command{Action: cases.ActionWithdraw, Reason: "自己解决了"}, t0.Add(18*hour+time.Second))
		b.clock.Set(t0.Add(18*hour + 2*time.Second))
		b.drain(t)
		for _, o := range b.platforms.shown()[before:] {
			if o.Message.Template != "case_withdrawn" {
				t.Errorf("after the withdrawal %s got %s %q", o.Address.Label, o.Message.Template, o.Message.Title)
			}
		}
	})
}

// A change of tier moves a case's steps earlier: a general case made
// urgent an hour after its dispatch is at once past the urgent chain's
// dispatch+10m and dispatch+20m. The sweep that parked the case until
// general's dispatch+4h must see it at its next run, not at 4 h.
func TestUpgradeIsSeenAtTheNextSweep(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st, nil, nil)
		c := storetest.Create(t, st, storetest.NewCase(t, t0, "logistics", func(in *cases.Intake) { in.Tier = cases.TierGeneral }))
		ctx := context.Background()
		if _, err := b.sweeper.RunAt(ctx, t0.Add(hour)); err != nil {
			t.Fatal(err)
		}
		storetest.Transition(t, st, c, storetest.Office(), cases.Command{Action: cases.ActionChangeTier, Tier: cases.TierUrgent}, t0.Add(hour+5*minute))
		if _, err := b.sweeper.RunAt(ctx, t0.Add(hour+6*minute)); err != nil {
			t.Fatal(err)
		}
		evs, err := st.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var fired []string
		for _, e := range evs {
			if e.Kind == escalate && e.At.Equal(t0.Add(hour+6*minute)) {
				fired = append(fired, fmt.Sprint(e.Data["step"]))
			}
		}
		if want := []string{"dispatch+10m", "dispatch+20m"}; fmt.Sprint(fired) != fmt.Sprint(want) {
			t.Errorf("at the sweep after the upgrade fired %v, want %v", fired, want)
		}
	})
}
