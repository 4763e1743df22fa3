package sla_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// Who the example configuration's chains reach for a logistics case.
const (
	unitGroup   = "unit:logistics"
	unitHead    = "member:logistics-li"
	handlerMa   = "member:logistics-ma"
	office      = "role:school_office"
	vicePres    = "member:vp-logistics"
	discipline  = "role:supervisor"
	handlerID   = "logistics-ma"
	officeID    = "office-wang"
	minute      = time.Minute
	hour        = time.Hour
	day         = 24 * time.Hour
	remind      = sla.EventRemind
	escalate    = sla.EventEscalate
	noOtherStep = 10 * day // long after every chain's last step
)

// act is something a person does to a case, so long after dispatch.
type act struct {
	after time.Duration
	cmd   cases.Command
	by    string
}

func accept(after time.Duration) act {
	return act{after, cases.Command{Action: cases.ActionAccept}, handlerID}
}
func contact(after time.Duration) act {
	return act{after, cases.Command{Action: cases.ActionContact}, handlerID}
}
func resolve(after time.Duration) act {
	return act{after, cases.Command{Action: cases.ActionResolve, Result: "已修复"}, handlerID}
}

// step is a reminder or escalation the case's history must show: so long
// after dispatch, of this kind, from the step at, told to these people.
type step struct {
	after time.Duration
	kind  string
	at    string
	to    []string
}

func (s step) String() string {
	return fmt.Sprintf("+%s %s %s → %s", s.after, s.kind, s.at, strings.Join(s.to, ","))
}

// scenario is one case's life and the steps it must get.
type scenario struct {
	name string
	acts []act
	want []step
}

// timelines are the example configuration's chains (the policy's own
// windows: urgent 30 min / 2 h, essential 2 h / 24 h, general 24 h / 5
// days) applied to four cases of each tier: one never accepted, one
// accepted but never contacted, one contacted but late, one on time.
var timelines = map[cases.Tier][]scenario{
	cases.TierUrgent: {
		{"never accepted", nil, []step{
			{10 * minute, escalate, "dispatch+10m", []string{unitGroup, unitHead}},
			{20 * minute, escalate, "dispatch+20m", []string{unitHead, office}},
			{30 * minute, escalate, "contact_by", []string{unitHead, office}},
			{96 * minute, remind, "80%", []string{unitHead}},
			{2 * hour, escalate, "resolve_by", []string{vicePres, discipline}},
		}},
		{"accepted, never contacted", []act{accept(5 * minute)}, []step{
			{30 * minute, escalate, "contact_by", []string{unitHead, office}},
			{96 * minute, remind, "80%", []string{unitHead}},
			{2 * hour, escalate, "resolve_by", []string{vicePres, discipline}},
		}},
		{"contacted, late", []act{accept(5 * minute), contact(20 * minute), resolve(150 * minute)}, []step{
			{96 * minute, remind, "80%", []string{unitHead}},
			{2 * hour, escalate, "resolve_by", []string{vicePres, discipline}},
		}},
		{"on time", []act{accept(5 * minute), contact(20 * minute), resolve(100 * minute)}, []step{
			{96 * minute, remind, "80%", []string{unitHead}},
		}},
	},
	cases.TierEssential: {
		{"never accepted", nil, []step{
			{30 * minute, escalate, "dispatch+30m", []string{unitGroup, unitHead}},
			{hour, escalate, "dispatch+1h", []string{unitHead, office}},
			{2 * hour, escalate, "contact_by", []string{unitHead, office}},
			// The handler of a case nobody accepted is its unit.
			{18 * hour, remind, "75%", []string{unitGroup, unitHead}},
			{day, escalate, "resolve_by", []string{office, vicePres}},
			{2 * day, escalate, "resolve_by+24h", []string{discipline}},
		}},
		{"accepted, never contacted", []act{accept(10 * minute)}, []step{
			{2 * hour, escalate, "contact_by", []string{unitHead, office}},
			{18 * hour, remind, "75%", []string{handlerMa, unitHead}},
			{day, escalate, "resolve_by", []string{office, vicePres}},
			{2 * day, escalate, "resolve_by+24h", []string{discipline}},
		}},
		{"contacted, late", []act{accept(10 * minute), contact(hour), resolve(30 * hour)}, []step{
			{18 * hour, remind, "75%", []string{handlerMa, unitHead}},
			{day, escalate, "resolve_by", []string{office, vicePres}},
		}},
		{"on time", []act{accept(10 * minute), contact(hour), resolve(20 * hour)}, []step{
			{18 * hour, remind, "75%", []string{handlerMa, unitHead}},
		}},
	},
	cases.TierGeneral: {
		{"never accepted", nil, []step{
			{4 * hour, escalate, "dispatch+4h", []string{unitGroup, unitHead}},
			{12 * hour, escalate, "dispatch+12h", []string{unitHead, office}},
			{day, escalate, "contact_by", []string{unitHead, office}},
			{4 * day, remind, "resolve_by-24h", []string{unitGroup, unitHead}},
			{5 * day, escalate, "resolve_by", []string{office, vicePres}},
			{7 * day, escalate, "resolve_by+48h", []string{discipline}},
		}},
		{"accepted, never contacted", []act{accept(hour)}, []step{
			{day, escalate, "contact_by", []string{unitHead, office}},
			{4 * day, remind, "resolve_by-24h", []string{handlerMa, unitHead}},
			{5 * day, escalate, "resolve_by", []string{office, vicePres}},
			{7 * day, escalate, "resolve_by+48h", []string{discipline}},
		}},
		{"contacted, late", []act{accept(hour), contact(5 * hour), resolve(130 * hour)}, []step{
			{4 * day, remind, "resolve_by-24h", []string{handlerMa, unitHead}},
			{5 * day, escalate, "resolve_by", []string{office, vicePres}},
		}},
		{"on time", []act{accept(hour), contact(5 * hour), resolve(100 * hour)}, []step{
			{4 * day, remind, "resolve_by-24h", []string{handlerMa, unitHead}},
		}},
	},
}

// steps reads the reminders and escalations of a case's history.
func steps(t testing.TB, st *store.Store, c cases.Case) []step {
	t.Helper()
	evs, err := st.Events(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []step
	for _, e := range evs {
		if e.Kind != sla.EventRemind && e.Kind != sla.EventEscalate {
			continue
		}
		due, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(e.Data["due_at"]))
		if !due.Equal(e.At) {
			t.Errorf("%s: %s fired at %s, due at %s", c.Number, e.Data["step"], e.At, due)
		}
		var to []string
		for _, r := range e.Data["recipients"].([]any) {
			to = append(to, r.(string))
		}
		out = append(out, step{e.At.Sub(c.DispatchedAt), e.Kind, fmt.Sprint(e.Data["step"]), to})
	}
	return out
}

// live walks a clock through the cases' lives: the people act at their
// times, and the sweep runs a second before and at each time a step is
// due, so that a step firing early, late or twice shows.
type live struct {
	b     *bundle
	cases []cases.Case
	acts  [][]act
	due   []time.Duration
}

func (l *live) run(t *testing.T) {
	t.Helper()
	var times []time.Duration
	for _, as := range l.acts {
		for _, a := range as {
			times = append(times, a.after)
		}
	}
	times = append(times, l.due...)
	times = append(times, noOtherStep)
	slices.Sort(times)
	ctx := context.Background()
	sweep := func(at time.Time) {
		t.Helper()
		if _, err := l.b.sweeper.RunAt(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range slices.Compact(times) {
		at := t0.Add(d)
		isStep := slices.Contains(l.due, d) || d == noOtherStep
		if isStep {
			sweep(at.Add(-time.Second))
		}
		for i, as := range l.acts {
			for _, a := range as {
				if a.after == d {
					l.cases[i] = storetest.Transition(t, l.b.st, l.cases[i], member(t, l.b.cfg, a.by), a.cmd, at)
				}
			}
		}
		if isStep {
			sweep(at)
		}
	}
}

// Each tier's full timeline, for its four kinds of case, in one walk of
// the clock: the exact steps at the exact times, and nothing else.
func TestTimelines(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st, nil, nil)
		l := &live{b: b}
		type which struct {
			tier cases.Tier
			sc   scenario
		}
		var all []which
		for _, tier := range cases.Tiers {
			for _, sc := range timelines[tier] {
				c := storetest.Create(t, st, storetest.NewCase(t, t0, "logistics", func(in *cases.Intake) { in.Tier = tier }))
				l.cases = append(l.cases, c)
				l.acts = append(l.acts, sc.acts)
				for _, s := range sc.want {
					l.due = append(l.due, s.after)
				}
				all = append(all, which{tier, sc})
			}
		}
		l.run(t)
		for i, w := range all {
			got := steps(t, st, l.cases[i])
			if fmt.Sprint(got) != fmt.Sprint(w.sc.want) {
				t.Errorf("%s, %s:\n got %v\nwant %v", w.tier, w.sc.name, got, w.sc.want)
			}
			// Late stays late in the record after the case left the
			// clock; on time stays on time.
			end := t0.Add(noOtherStep)
			if late := w.sc.name == "contacted, late"; w.sc.name != "never accepted" && w.sc.name != "accepted, never contacted" &&
				l.cases[i].Overdue(end) != late {
				t.Errorf("%s, %s: overdue = %v", w.tier, w.sc.name, l.cases[i].Overdue(end))
			}
		}
	})
}
