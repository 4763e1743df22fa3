package web_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func TestWholeLifecycleOverHTTP(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		// A hotline operator registers a call and holds it for the office.
		c := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
			"channel": "hotline_1234", "channel_ref": "CALL-0001",
			"complainant": map[string]string{"name": "张三", "contact": "13812345678"},
			"content":     "学生公寓3号楼没有热水", "hold": true,
		})
		num := c.str("number")
		if c.str("state") != "registered" || num == "" {
			t.Fatalf("created: %v", c.body)
		}
		who := c.body["complainant"].(map[string]any)
		if who["name"] != "张*" || who["contact"] != "138****5678" {
			t.Errorf("complainant shown as %v, want masked", who)
		}
		path := "/api/v1/cases/" + num
		b.must(t, http.StatusOK, "office", "POST", path+"/dispatch", map[string]any{"lead_unit": "logistics", "tier": "essential"})
		b.clock.Advance(10 * time.Minute)
		// The unit cannot see the complainant before it accepts.
		b.must(t, http.StatusForbidden, "logistics", "POST", path+"/reveal", nil)
		r := b.must(t, http.StatusOK, "logistics", "POST", path+"/accept", nil)
		if r.str("first_handler") != b.member["logistics"] {
			t.Errorf("first handler = %q", r.str("first_handler"))
		}
		r = b.must(t, http.StatusOK, "logistics", "POST", path+"/reveal", nil)
		if r.str("name") != "张三" || r.str("contact") != "13812345678" {
			t.Errorf("reveal = %v", r.body)
		}
		b.must(t, http.StatusOK, "logistics", "POST", path+"/contact", map[string]any{"note": "已电话联系，今晚修复"})
		b.clock.Advance(3 * time.Hour)
		r = b.must(t, http.StatusOK, "logistics", "POST", path+"/resolve", map[string]any{"result": "热水器已修复"})
		if r.str("state") != "resolved" || r.body["overdue"] != false {
			t.Errorf("resolved: %v", r.body)
		}
		b.must(t, http.StatusOK, "operator", "POST", path+"/feedback", map[string]any{"note": "已回电告知"})
		b.must(t, http.StatusOK, "operator", "POST", path+"/rate", map[string]any{"rating": "satisfied"})
		r = b.must(t, http.StatusOK, "office", "POST", path+"/close", nil)
		if r.str("state") != "closed" || r.str("rating") != "satisfied" {
			t.Errorf("closed: %v", r.body)
		}
		evs := b.must(t, http.StatusOK, "leader", "GET", path+"/events", nil).body["events"].([]any)
		want := []string{"register", "dispatch", "accept", "reveal", "contact", "resolve", "feedback", "rate", "close"}
		if len(evs) != len(want) {
			t.Fatalf("timeline has %d events, want %d: %v", len(evs), len(want), evs)
		}
		for i, e := range evs {
			if k := e.(map[string]any)["kind"]; k != want[i] {
				t.Errorf("event %d is %v, want %s", i, k, want[i])
			}
		}
		id := int64(c.body["id"].(float64))
		msgs, err := st.ListOutbox(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var templates []string
		for _, m := range msgs {
			templates = append(templates, string(m.Template))
		}
		if len(msgs) < 3 || templates[0] != "case_triage" || templates[1] != "case_dispatched" || templates[2] != "case_accepted" {
			t.Errorf("outbox = %v", templates)
		}

		// A second case: routed, returned, re-dispatched, extended, merged.
		second := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
			"channel": "city_12345", "channel_ref": "12345-20261128-77",
			"complainant": map[string]string{"name": "李四", "contact": "13900001111"},
			"content":     "学生公寓3号楼宿舍停电了",
		})
		p2 := "/api/v1/cases/" + second.str("number")
		lead := second.str("lead_unit")
		if second.str("state") != "dispatched" || lead == "" {
			t.Fatalf("routed case: %v", second.body)
		}
		if b.tokens[lead] == "" {
			t.Fatalf("routed to %s, want a service unit", lead)
		}
		b.must(t, http.StatusOK, lead, "POST", p2+"/return", map[string]any{"reason": "应由保卫处处理"})
		r = b.must(t, http.StatusOK, "office", "POST", p2+"/dispatch", map[string]any{"lead_unit": "security", "co_units": []string{"logistics"}})
		if r.str("lead_unit") != "security" || r.str("state") != "dispatched" {
			t.Fatalf("re-dispatched: %v", r.body)
		}
		b.must(t, http.StatusOK, "security", "POST", p2+"/accept", nil)
		until := b.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)
		b.must(t, http.StatusOK, "security", "POST", p2+"/request-extension", map[string]any{"reason": "需更换线路", "until": until})
		r = b.must(t, http.StatusOK, "office", "POST", p2+"/approve-extension", nil)
		if got := r.body["resolve_by"].(string); !sameInstant(t, got, until) {
			t.Errorf("resolve_by after extension = %s, want %s", got, until)
		}
		third := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
			"channel": "petition_line", "content": "反映3号楼多次停电", "hold": true,
		})
		r = b.must(t, http.StatusOK, "office", "POST", p2+"/merge", map[string]any{"primary": third.str("number")})
		if r.str("state") != "merged" || int64(r.body["merged_into"].(float64)) != int64(third.body["id"].(float64)) {
			t.Errorf("merged: %v", r.body)
		}
		// The third came without a phone number: the office excludes it.
		if third.body["complainant"].(map[string]any)["no_contact"] != true {
			t.Errorf("no contact not flagged: %v", third.body)
		}
		r = b.must(t, http.StatusOK, "office", "POST", "/api/v1/cases/"+third.str("number")+"/exclude", map[string]any{"reason": "no_contact", "note": "来电信息保密"})
		ex := r.body["exclusion"].(map[string]any)
		if ex["reason"] != "no_contact" || ex["approved_by"] != b.member["office"] {
			t.Errorf("exclusion = %v", ex)
		}
	})
}

func sameInstant(t *testing.T, a, b string) bool {
	t.Helper()
	ta, err1 := time.Parse(time.RFC3339, a)
	tb, err2 := time.Parse(time.RFC3339, b)
	if err1 != nil || err2 != nil {
		t.Fatalf("times %q %q", a, b)
	}
	return ta.Equal(tb)
}
