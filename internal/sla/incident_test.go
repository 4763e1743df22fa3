package sla_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// complain registers student i's complaint through the Official Account.
func (b *bundle) complain(t *testing.T, i int, contact, content string) service.Created {
	t.Helper()
	res, err := b.svc.Create(context.Background(), cases.SystemActor(), service.CreateInput{
		Channel: cases.ChannelWeChatOA, ChannelRef: fmt.Sprintf("msg-%03d", i), Identity: fmt.Sprintf("openid-%03d", i),
		Contact: contact, Content: content,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// 200 students complain about one dormitory's power cut within 5 minutes
// through the Official Account. It becomes one incident: the unit sees the
// first complaint at once and then one incident notice whose count is
// updated (a handful of messages, well within a group robot's 20 a
// minute), one escalation for the incident when nobody accepted it in 30
// minutes, and one accept closes the loop for all 200. Contact and resolve
// go to all of them too, and every student gets their own result and
// survey.
func TestPowerCutBecomesOneIncident(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		b := setup(t, st, nil, nil)
		interval := b.cfg.SLA.SweepInterval
		next := t0
		// sweepUntil runs the scheduler at every interval up to at.
		sweepUntil := func(at time.Time) {
			for ; !next.After(at); next = next.Add(interval) {
				b.clock.Set(next)
				b.tick(t)
			}
			b.clock.Set(at)
		}
		const students = 200
		var all []cases.Case
		for i := range students {
			sweepUntil(t0.Add(time.Duration(i) * 1500 * time.Millisecond))
			res := b.complain(t, i, fmt.Sprintf("138%08d", i), "学生公寓3号楼停电了，整栋楼都没电")
			// Each complainant's receipt (the passive reply) quotes their own case.
			if !res.Created || res.Case.Number == "" || res.Case.Place != "学生公寓3号楼" {
				t.Fatalf("complaint %d: created %v, number %q, place %q; want a new case at 学生公寓3号楼", i, res.Created, res.Case.Number, res.Case.Place)
			}
			all = append(all, res.Case)
		}
		if last := all[students-1].RegisteredAt.Sub(all[0].RegisteredAt); last >= 5*minute {
			t.Fatalf("the complaints took %s", last)
		}

		inc, err := st.IncidentOf(ctx, all[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			if got, err := st.IncidentOf(ctx, c.ID); err != nil || got.ID != inc.ID {
				t.Fatalf("%s is in incident %d (%v), want %d", c.Number, got.ID, err, inc.ID)
			}
		}

		// Nobody accepts for 40 minutes. (Between the update and the
		// escalations, nothing is due: the sweeps there are skipped to keep
		// the test quick.)
		sweepUntil(t0.Add(7 * minute))
		next = t0.Add(29 * minute)
		sweepUntil(t0.Add(40 * minute))
		unit := b.platforms.to(unitGroup)
		byTemplate := map[cases.Template]int{}
		for _, o := range unit {
			byTemplate[cases.Template(o.Message.Template)]++
		}
		if byTemplate["case_dispatched"] != 1 || byTemplate[sla.IncidentOpenedTemplate] != 1 || byTemplate[sla.IncidentUpdatedTemplate] != 1 ||
			byTemplate["escalation"] != 1 || len(unit) != 4 {
			t.Errorf("the unit's group got %v, want the first case, one incident notice, one update and one escalation", byTemplate)
		}
		notices := b.platforms.to(unitGroup, sla.IncidentOpenedTemplate, sla.IncidentUpdatedTemplate)
		opened, updated := notices[0].Message, notices[len(notices)-1].Message
		if n, _ := strconv.Atoi(field(opened, "件数")); n < 2 || n >= students {
			t.Errorf("first notice counts %d", n)
		}
		if field(updated, "件数") != "200" || field(updated, "待接单") != "200" {
			t.Errorf("update: %+v", updated)
		}
		if opened.CaseNumber != all[0].Number || len(opened.Actions) == 0 || opened.Actions[0].Key != "accept" {
			t.Errorf("the notice is not the first case's card with 接单: %+v", opened)
		}
		esc := b.platforms.to(unitGroup, "escalation")[0].Message
		if field(esc, "同一事件") != "共200件诉求" || field(esc, "情况") != "未接单，转办已30分钟" {
			t.Errorf("incident escalation: %+v", esc)
		}
		if heads := b.platforms.to(unitHead, "escalation", sla.DigestTemplate); len(heads) != 1 {
			t.Errorf("the unit head got %d escalations, want 1", len(heads))
		}
		// Every case's history shows the step; all but one were covered.
		evs, _ := st.Events(ctx, all[students-1].ID)
		if last := evs[len(evs)-1]; last.Kind != escalate || len(toStrings(last.Data["covered"])) != 2 {
			t.Errorf("last case's step: %+v", last)
		}

		// One accept, pressed on the incident's card, for all 200.
		handler := member(t, b.cfg, handlerID)
		if _, err := b.svc.Act(ctx, handler, opened.CaseNumber, cases.Command{Action: cases.ActionAccept}, ""); err != nil {
			t.Fatal(err)
		}
		b.clock.Set(t0.Add(50 * minute))
		if _, err := b.svc.Act(ctx, handler, all[57].Number, cases.Command{Action: cases.ActionContact, Note: "已在宿舍群统一告知"}, ""); err != nil {
			t.Fatal(err)
		}
		b.clock.Set(t0.Add(90 * minute))
		if _, err := b.svc.Act(ctx, handler, all[123].Number, cases.Command{Action: cases.ActionResolve, Result: "配电箱已更换，恢复供电"}, ""); err != nil {
			t.Fatal(err)
		}
		b.drain(t)
		for _, c := range all {
			got, err := st.GetCase(ctx, c.ID)
			if err != nil || got.State != cases.StateFeedbackGiven || got.FirstHandler != handlerID {
				t.Fatalf("%s: %s by %q, %v", c.Number, got.State, got.FirstHandler, err)
			}
		}
		handled := b.platforms.to(unitGroup, service.IncidentHandledTemplate)
		if len(handled) != 3 || field(handled[0].Message, "件数") != "200" || len(b.platforms.to(unitGroup, "case_accepted")) != 0 {
			t.Errorf("the unit got %d incident notices of handling and %d of single accepts", len(handled), len(b.platforms.to(unitGroup, "case_accepted")))
		}

		// 200 results now, 200 surveys a day later, each to its student.
		b.clock.Set(t0.Add(90*minute + b.cfg.Survey.Delay))
		b.drain(t)
		for _, template := range []cases.Template{"case_result", "case_survey"} {
			reached := map[string]bool{}
			for _, o := range b.platforms.to("complainant", template) {
				reached[o.Address.IDs[0]] = true
			}
			if len(reached) != students {
				t.Errorf("%s reached %d students, want %d", template, len(reached), students)
			}
		}
	})
}
