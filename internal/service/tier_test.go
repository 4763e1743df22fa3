package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// A complaint the shipped rules make urgent from its words alone: the case
// keeps the words and its tier before, the office is told with the
// one-tap downgrade, and pressing it (change_tier with no tier) brings the
// case back to general, as an event.
func TestUrgentByTextAndOneTapDowngrade(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc, cfg := newService(t, st)
		op := actor(t, cfg, "office-wang")
		got, err := svc.Create(ctx, op, service.CreateInput{Channel: cases.ChannelHotline1234, Content: "学生公寓3号楼有个同学被困在电梯里出不来了"})
		if err != nil {
			t.Fatal(err)
		}
		c := got.Case
		if c.Tier != cases.TierUrgent || c.TierRaisedFrom == "" || len(c.TierEvidence) == 0 {
			t.Fatalf("case tier %s raised from %q evidence %q; reasons %q", c.Tier, c.TierRaisedFrom, c.TierEvidence, c.RouteReasons)
		}
		before := c.TierRaisedFrom
		msgs, err := st.ListOutbox(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(msgs, func(m cases.OutboxItem) bool { return m.Template == "case_urgent_by_text" }) {
			t.Errorf("no case_urgent_by_text among %+v", msgs)
		}
		down, err := svc.Act(ctx, op, c.Number, cases.Command{Action: cases.ActionChangeTier}, "")
		if err != nil {
			t.Fatal(err)
		}
		again, err := st.GetCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if down.Tier != before || again.Tier != before || again.TierRaisedFrom != "" || again.TierEvidence != nil {
			t.Errorf("after the downgrade: tier %s (stored %s, raised from %q, evidence %q), want %s", down.Tier, again.Tier, again.TierRaisedFrom, again.TierEvidence, before)
		}
		evs, err := st.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(evs, func(e cases.Event) bool {
			return e.Kind == string(cases.ActionChangeTier) && e.Data["from_tier"] == "urgent" && e.Data["to_tier"] == string(before)
		}) {
			t.Errorf("no change_tier event among %+v", evs)
		}
	})
}
