package sla

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, cases.Shanghai())

func clockCase(s cases.State) store.SLACase {
	return store.SLACase{ID: 7, Number: "JS20261128-0007", Tier: cases.TierEssential, State: s, LeadUnit: "logistics",
		DispatchedAt: t0, ContactBy: t0.Add(2 * time.Hour), ResolveBy: t0.Add(24 * time.Hour)}
}

// A condition holds exactly while the case has not got that far; nobody
// is chased to call a complainant who left no contact.
func TestHolds(t *testing.T) {
	t.Parallel()
	want := map[cases.State]string{ // the conditions that hold, in order
		cases.StateDispatched: "not_accepted not_contacted not_resolved",
		cases.StateReopened:   "not_accepted not_contacted not_resolved",
		cases.StateAccepted:   "not_contacted not_resolved",
		cases.StateContacted:  "not_resolved",
	}
	for _, s := range cases.States {
		var got []string
		for _, cond := range []config.Condition{config.IfNotAccepted, config.IfNotContacted, config.IfNotResolved} {
			if Holds(string(cond), clockCase(s)) {
				got = append(got, string(cond))
			}
		}
		if strings.Join(got, " ") != want[s] {
			t.Errorf("%s: %v hold, want %q", s, got, want[s])
		}
	}
	c := clockCase(cases.StateAccepted)
	c.NoContact = true
	if Holds(string(config.IfNotContacted), c) {
		t.Error("not_contacted holds for a complainant without contact")
	}
}

func TestMeasure(t *testing.T) {
	t.Parallel()
	c := clockCase(cases.StateAccepted)
	step := func(at string, cond config.Condition) Step {
		a, err := cases.ParseStepTime(at)
		if err != nil {
			t.Fatal(err)
		}
		return Step{Tier: c.Tier, At: a, If: cond}
	}
	for _, tt := range []struct {
		s    Step
		now  time.Duration
		want string
	}{
		{step("dispatch+30m", config.IfNotAccepted), 31 * time.Minute, "escalation elapsed 31m0s"},
		{step("contact_by", config.IfNotContacted), 2 * time.Hour, "escalation late_by 0s"},
		{step("75%", config.IfNotResolved), 18 * time.Hour, "reminder left 6h0m0s"},
		{step("resolve_by+24h", config.IfNotResolved), 48*time.Hour + 20*time.Second, "escalation late_by 24h0m20s"},
	} {
		kind, phrase, by := measure(c, tt.s, t0.Add(tt.now))
		if got := fmt.Sprint(kind, " ", phrase, " ", by); got != tt.want {
			t.Errorf("%s at +%s: %s, want %s", tt.s.id(), tt.now, got, tt.want)
		}
	}
}

// A digest lists ten cases and counts the rest; its key depends on what it
// covers, not on the order it was put together in.
func TestDigest(t *testing.T) {
	t.Parallel()
	to := cases.Recipient{Kind: cases.ToMember, ID: "vp-logistics"}
	var its []item
	for i := range 14 {
		c := clockCase(cases.StateDispatched)
		c.ID, c.Number = int64(i), fmt.Sprintf("JS20261128-%04d", i)
		kind := KindEscalation
		if i%2 == 1 {
			kind = KindReminder
		}
		its = append(its, item{f: firing{c: c, kind: kind, phrase: "late_by", by: time.Minute, due: t0.Add(time.Duration(i) * time.Minute),
			step: Step{If: config.IfNotResolved}}, to: to, key: fmt.Sprintf("case/%d", i)})
	}
	d := digest(to, its)
	rows := strings.Split(d.Data["rows"], "\n")
	if len(rows) != DigestRows || d.Data["more"] != "4" || d.Data["count"] != "14" || d.Data["escalations"] != "7" || d.CaseID != 0 {
		t.Fatalf("digest = %+v", d)
	}
	if !strings.HasPrefix(rows[0], "JS20261128-0000\tlogistics\tnot_resolved\tlate_by\t1m0s\t") {
		t.Errorf("first row %q", rows[0])
	}
	reversed := make([]item, len(its))
	for i := range its {
		reversed[i] = its[len(its)-1-i]
	}
	if again := digest(to, reversed); again.DedupKey != d.DedupKey || again.Data["rows"] != d.Data["rows"] {
		t.Error("the same items in another order make another digest")
	}
}
