package cases

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// urgentByText is a case routing made urgent from its words.
func urgentByText(t *testing.T) Outcome {
	t.Helper()
	out, err := New(Intake{
		Channel: ChannelWeChatOA, Content: "宿舍楼道里有火灾", Category: "safety", Tier: TierUrgent,
		TierRaisedFrom: TierGeneral, TierEvidence: []string{"火灾"}, LeadUnit: "security",
	}, SystemActor(), t0, DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A case made urgent by its text tells the office why, with the
// one-tap downgrade, and its registration event names the words.
func TestNewUrgentByTextTellsTheOffice(t *testing.T) {
	t.Parallel()
	out := urgentByText(t)
	if !slices.ContainsFunc(out.Messages, func(m Message) bool {
		return m.Template == "case_urgent_by_text" && m.To == Recipient{Kind: ToRole, ID: string(RoleSchoolOffice)}
	}) {
		t.Errorf("messages %+v lack case_urgent_by_text to the school office", out.Messages)
	}
	reg := out.Events[0]
	if reg.Data["tier_raised_from"] != "general" || !slices.Equal(reg.Data["tier_evidence"].([]string), []string{"火灾"}) {
		t.Errorf("register event data %v lacks the raise", reg.Data)
	}
	if out.Case.TierRaisedFrom != TierGeneral || out.Case.ResolveBy != t0.Add(2*time.Hour) {
		t.Errorf("case raised from %q, resolve by %v", out.Case.TierRaisedFrom, out.Case.ResolveBy)
	}
	plain, err := New(Intake{Channel: ChannelWeChatOA, Content: "宿舍停电", Tier: TierEssential, LeadUnit: "logistics"}, SystemActor(), t0, DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(plain.Messages, func(m Message) bool { return m.Template == "case_urgent_by_text" }) {
		t.Error("a case its text did not raise told the office it did")
	}
	_, err = New(Intake{Channel: ChannelWeChatOA, Content: "x", Tier: TierGeneral, TierRaisedFrom: TierEssential}, SystemActor(), t0, DefaultPolicy())
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Errorf("a general case raised from essential: %v, want a validation error", err)
	}
}

// The one-tap downgrade: change_tier with no tier goes back to the tier
// before the text, with that tier's deadlines from the same dispatch, an
// event naming both tiers and the words, and a message to the unit.
func TestChangeTierDowngrade(t *testing.T) {
	t.Parallel()
	c := urgentByText(t).Case
	c.ID, c.Number = 7, "JS20261128-0007"
	now := t0.Add(20 * time.Minute)
	out, err := Apply(c, office(), Command{Action: ActionChangeTier}, now, DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	got := out.Case
	if got.Tier != TierGeneral || got.TierRaisedFrom != "" || got.TierEvidence != nil {
		t.Errorf("tier %s, raised from %q, evidence %q; want general and the raise cleared", got.Tier, got.TierRaisedFrom, got.TierEvidence)
	}
	if got.ContactBy != t0.Add(24*time.Hour) || got.ResolveBy != t0.Add(5*24*time.Hour) {
		t.Errorf("deadlines %v, %v; want general's from the dispatch at %v", got.ContactBy, got.ResolveBy, t0)
	}
	if len(out.Events) != 1 || out.Events[0].Kind != string(ActionChangeTier) ||
		out.Events[0].Data["from_tier"] != "urgent" || out.Events[0].Data["to_tier"] != "general" ||
		!slices.Equal(out.Events[0].Data["tier_evidence"].([]string), []string{"火灾"}) {
		t.Errorf("events %+v", out.Events)
	}
	if len(out.Messages) != 1 || out.Messages[0].Template != "case_tier_changed" || out.Messages[0].To != (Recipient{Kind: ToUnit, ID: "security"}) {
		t.Errorf("messages %+v", out.Messages)
	}
	// Once the words no longer decide, there is nothing to undo.
	if _, err := Apply(got, office(), Command{Action: ActionChangeTier}, now, DefaultPolicy()); !errors.As(err, new(*ValidationError)) {
		t.Errorf("second downgrade: %v, want a validation error", err)
	}
}

func TestChangeTierRules(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	now := t0.Add(time.Hour)
	c := fixture(StateAccepted) // essential, dispatched at t0
	if _, err := Apply(c, handler("logistics"), Command{Action: ActionChangeTier, Tier: TierGeneral}, now, p); !errors.As(err, new(*ForbiddenError)) {
		t.Errorf("the unit changing its own tier: %v, want forbidden", err)
	}
	if _, err := Apply(c, office(), Command{Action: ActionChangeTier, Tier: TierEssential}, now, p); !errors.As(err, new(*TransitionError)) {
		t.Errorf("to the same tier: %v, want illegal", err)
	}
	if _, err := Apply(c, office(), Command{Action: ActionChangeTier, Tier: "紧急<script>"}, now, p); !errors.As(err, new(*ValidationError)) {
		t.Errorf("a made-up tier: %v, want a validation error", err)
	}
	// Up, too: an emergency routing missed, due from the change, not from
	// the dispatch an hour ago.
	out, err := Apply(c, office(), Command{Action: ActionChangeTier, Tier: TierUrgent, Reason: "电话核实：有人被困"}, now, p)
	if err != nil {
		t.Fatal(err)
	}
	if out.Case.ContactBy != now.Add(30*time.Minute) || out.Case.ResolveBy != now.Add(2*time.Hour) ||
		out.Case.CoUnits[0].DueBy != now.Add(2*time.Hour) || out.Events[0].Data["reason"] != "电话核实：有人被困" {
		t.Errorf("upgrade: resolve by %v, co-unit due %v, event %v", out.Case.ResolveBy, out.Case.CoUnits[0].DueBy, out.Events[0].Data)
	}
	if c.CoUnits[0].DueBy != t0.Add(24*time.Hour) {
		t.Error("the transition changed the caller's co-units")
	}
	// An approved extension later than the new deadline still holds.
	c.Extension = &Extension{Until: t0.Add(72 * time.Hour), Status: ExtensionApproved}
	c.ResolveBy = c.Extension.Until
	out, err = Apply(c, office(), Command{Action: ActionChangeTier, Tier: TierUrgent}, now, p)
	if err != nil || out.Case.ResolveBy != t0.Add(72*time.Hour) {
		t.Errorf("with an approved extension: %v, resolve by %v", err, out.Case.ResolveBy)
	}
	// A registered case has no deadlines yet: only its tier changes.
	r := fixture(StateRegistered)
	r.ContactBy, r.ResolveBy, r.DispatchedAt = time.Time{}, time.Time{}, time.Time{}
	out, err = Apply(r, office(), Command{Action: ActionChangeTier, Tier: TierUrgent}, now, p)
	if err != nil || !out.Case.ResolveBy.IsZero() || len(out.Messages) != 0 || out.Case.Tier != TierUrgent {
		t.Errorf("registered: %v, resolve by %v, messages %v", err, out.Case.ResolveBy, out.Messages)
	}
}
