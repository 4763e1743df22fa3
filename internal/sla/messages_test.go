package sla_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func urgentCase(t *testing.T, st *store.Store, unit string) cases.Case {
	t.Helper()
	return storetest.Create(t, st, storetest.NewCase(t, t0, unit, func(in *cases.Intake) { in.Tier = cases.TierUrgent }))
}

// only returns the one message shown to label at the last tick, failing
// the test when there is not exactly one.
func only(t *testing.T, ps *platforms, label string, since int) bot.Message {
	t.Helper()
	got := ps.to(label)
	if len(got)-since != 1 {
		t.Fatalf("%s got %d messages, want 1: %+v", label, len(got)-since, got[since:])
	}
	return got[since].Message
}

// An escalation says what is late, by how much, who holds it, and links
// to the case; a reminder says how long is left.
func TestEscalationSaysWhatIsLate(t *testing.T) {
	t.Parallel()
	st := storetest.NewSQLite(t)
	b := setup(t, st, nil, nil)
	c := urgentCase(t, st, "logistics")
	b.drain(t) // the dispatch notice

	b.clock.Set(t0.Add(10*minute + 40*time.Second))
	b.tick(t)
	m := only(t, b.platforms, unitGroup, 1)
	if m.Title != "督办 "+c.Number || field(m, "情况") != "未接单，转办已10分钟" || field(m, "承办单位") != "后勤管理处" ||
		m.Link != "http://localhost:8080/cases/"+c.Number || m.CaseNumber != c.Number {
		t.Errorf("not accepted: %+v", m)
	}
	if m.DedupKey == "" {
		t.Error("no dedup key for the platforms that take one")
	}

	c = storetest.Transition(t, st, c, member(t, b.cfg, handlerID), cases.Command{Action: cases.ActionAccept}, t0.Add(15*minute))
	b.clock.Set(t0.Add(30*minute + 5*time.Second))
	b.tick(t)
	m = only(t, b.platforms, office, 0)
	if field(m, "情况") != "未联系诉求人，已到联系时限" || field(m, "首问责任人") != "马超" {
		t.Errorf("not contacted: %+v", m)
	}

	b.clock.Set(t0.Add(96 * minute))
	b.tick(t)
	m = only(t, b.platforms, unitHead, 2)
	if m.Title != "办理提醒 "+c.Number || field(m, "情况") != "未办结，距办结时限还有24分钟" {
		t.Errorf("reminder: %+v", m)
	}

	b.clock.Set(t0.Add(2*hour + 5*minute))
	b.tick(t)
	m = only(t, b.platforms, vicePres, 0)
	if field(m, "情况") != "未办结，已超过办结时限5分钟" || !strings.Contains(field(m, "办结时限"), "已超时") {
		t.Errorf("overdue: %+v", m)
	}
}

// Leaders get one digest per sweep when several cases escalate to them at
// once: here the vice-president in charge of logistics and of the
// dormitories, and the discipline office, at the urgent cases' deadline.
// The unit heads, each told of one case, get that case's own message.
func TestLeadersGetOneDigestPerSweep(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st, nil, nil)
		var all []cases.Case
		for _, unit := range []string{"logistics", "logistics", "dormitory", "security"} {
			all = append(all, urgentCase(t, st, unit))
		}
		b.clock.Set(t0.Add(2 * hour))
		if _, err := b.sweeper.RunAt(context.Background(), t0.Add(119*minute)); err != nil {
			t.Fatal(err)
		}
		b.drain(t)
		before := len(b.platforms.shown())
		b.tick(t)
		vp := only(t, b.platforms, vicePres, 0)
		if vp.Template != string(sla.DigestTemplate) || field(vp, "件数") != "3" || field(vp, "督办") != "3" {
			t.Fatalf("vice-president's digest: %+v", vp)
		}
		for _, c := range all[:3] {
			if !strings.Contains(vp.Text, c.Number) || !strings.Contains(vp.Text, "/cases/"+c.Number) {
				t.Errorf("digest lacks %s:\n%s", c.Number, vp.Text)
			}
		}
		if !strings.Contains(vp.Text, "宿舍管理中心 未办结，已到办结时限") {
			t.Errorf("digest rows:\n%s", vp.Text)
		}
		if d := only(t, b.platforms, discipline, 0); field(d, "件数") != "4" {
			t.Errorf("discipline office's digest: %+v", d)
		}
		// 3 digests or messages to leaders (vp-logistics, the security
		// unit's leader, discipline): one each.
		if got := len(b.platforms.shown()) - before; got != 3 {
			t.Errorf("%d messages at the deadline, want 3", got)
		}
		// Each case's history says whom the step told, and that it went in
		// a digest.
		evs, _ := st.Events(context.Background(), all[0].ID)
		last := evs[len(evs)-1]
		if last.Kind != escalate || !slices.Contains(toStrings(last.Data["digest"]), vicePres) {
			t.Errorf("event = %+v", last)
		}
	})
}

func toStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
