package sla_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// 98 students complain about one dormitory's night checks within minutes;
// the dormitory centre leads and student affairs helps (the category's
// co-unit). The co-unit hears of the first case on its own, like the lead
// unit, and then of the incident through its notice, with the lead unit
// named and no 接单 of the lead's: not 98 cards. A case taken out of the
// incident gets its co-unit card then.
func TestCoUnitsGetTheIncidentNotice(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		b := setup(t, st, nil, nil)
		const students = 98
		var all []cases.Case
		for i := range students {
			b.clock.Set(t0.Add(time.Duration(i) * 2 * time.Second))
			res := b.complain(t, i, fmt.Sprintf("139-%04d %04d", i, i), "学生公寓3号楼宿管查寝时<a href=\"http://x\">@所有人</a>踹门，请处理")
			if res.Case.LeadUnit != "dormitory" || len(res.Case.CoUnits) != 1 || res.Case.CoUnits[0].Unit != "student_affairs" {
				t.Fatalf("complaint %d routed to %s with %+v", i, res.Case.LeadUnit, res.Case.CoUnits)
			}
			all = append(all, res.Case)
		}
		for at := t0; !at.After(t0.Add(10 * minute)); at = at.Add(b.cfg.SLA.SweepInterval) {
			b.clock.Set(at)
			b.tick(t)
		}

		const coUnit, lead = "unit:student_affairs", "unit:dormitory"
		for _, who := range []struct {
			label string
			own   cases.Template
		}{{lead, "case_dispatched"}, {coUnit, "case_co_dispatched"}} {
			if got := b.platforms.to(who.label, who.own); len(got) != 1 || got[0].Message.CaseNumber != all[0].Number {
				t.Errorf("%s got %d %s cards, want the first case's alone", who.label, len(got), who.own)
			}
		}
		notices := b.platforms.to(coUnit, sla.IncidentOpenedTemplate, sla.IncidentUpdatedTemplate)
		leads := b.platforms.to(lead, sla.IncidentOpenedTemplate, sla.IncidentUpdatedTemplate)
		if len(notices) == 0 || len(notices) != len(leads) {
			t.Fatalf("the co-unit got %d incident notices, the lead unit %d", len(notices), len(leads))
		}
		last := notices[len(notices)-1].Message
		if field(last, "件数") != "98" || field(last, "承办单位") != "宿舍管理中心" || field(last, "待接单") != "" {
			t.Errorf("co-unit's notice: %+v", last)
		}
		for _, o := range notices {
			for _, a := range o.Message.Actions {
				if a.Key == "accept" {
					t.Errorf("the co-unit's notice offers the lead unit's 接单: %+v", o.Message)
				}
			}
			if !strings.Contains(o.Message.Text, "协办") {
				t.Errorf("the co-unit's notice does not say it helps:\n%s", o.Message.Text)
			}
		}
		if m := leads[len(leads)-1].Message; m.Actions[0].Key != "accept" || field(m, "承办单位") != "" {
			t.Errorf("lead unit's notice: %+v", m)
		}

		inc, err := st.IncidentOf(ctx, all[50].ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.svc.RemoveFromIncident(ctx, member(t, b.cfg, officeID), inc.ID, all[50].Number); err != nil {
			t.Fatal(err)
		}
		b.drain(t)
		for _, who := range []struct {
			label string
			own   cases.Template
		}{{lead, "case_dispatched"}, {coUnit, "case_co_dispatched"}} {
			got := b.platforms.to(who.label, who.own)
			if len(got) != 2 || got[1].Message.CaseNumber != all[50].Number {
				t.Errorf("after the removal %s got %d %s cards, want the removed case's too", who.label, len(got), who.own)
			}
		}
	})
}
