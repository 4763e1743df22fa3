package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// Three calls about one dormitory's power cut become an incident that the
// unit handles as one; the office or the unit takes a case out of it and
// puts it back by hand.
func TestIncidentAPI(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		numbers := oneOutage(t, b)
		const inc = "/api/v1/incidents/1"
		members := func(r response) int { list, _ := r.body["cases"].([]any); return len(list) }
		if r := b.must(t, http.StatusOK, "office", "GET", inc, nil); members(r) != 3 || r.str("place") != "学生公寓3号楼" {
			t.Fatalf("incident = %v", r.body)
		} else if opened := r.str("opened_at"); opened != t0.Add(time.Minute).Format(time.RFC3339) || !strings.HasSuffix(opened, "+08:00") {
			// Opened by the second call; in Shanghai and to the second, as a
			// case's times are.
			t.Errorf("opened_at = %q", opened)
		}
		b.must(t, http.StatusForbidden, "dormitory", "GET", inc, nil)
		// What is missing is named: the incident, or the case.
		for _, c := range []struct{ method, path, want string }{
			{"GET", "/api/v1/incidents/999", "no such incident"},
			{"GET", "/api/v1/incidents/x", "no such incident"},
			{"POST", "/api/v1/incidents/999/accept", "no such incident"},
			{"DELETE", "/api/v1/incidents/999/cases/" + numbers[0], "no such incident"},
			{"DELETE", inc + "/cases/JS20990101-0001", "no such case"},
		} {
			if r := b.call(t, "office", c.method, c.path, nil); r.status != http.StatusNotFound || r.code() != "not_found" || r.message() != c.want {
				t.Errorf("%s %s: %d %v, want 404 not_found %q", c.method, c.path, r.status, r.body, c.want)
			}
		}
		if r := b.call(t, "office", "POST", "/api/v1/incidents/999/cases", map[string]string{"case": numbers[0]}); r.status != http.StatusNotFound || r.message() != "no such incident" {
			t.Errorf("adding to a missing incident: %d %v", r.status, r.body)
		}

		if r := b.must(t, http.StatusOK, "logistics", "DELETE", inc+"/cases/"+numbers[2], nil); members(r) != 2 {
			t.Fatalf("after taking one out: %v", r.body)
		}
		b.must(t, http.StatusUnprocessableEntity, "logistics", "DELETE", inc+"/cases/"+numbers[2], nil)
		if r := b.must(t, http.StatusOK, "office", "POST", inc+"/cases", map[string]string{"case": numbers[2]}); members(r) != 3 {
			t.Fatalf("after putting it back: %v", r.body)
		}

		b.must(t, http.StatusForbidden, "security", "POST", inc+"/accept", nil)
		if r := b.must(t, http.StatusOK, "logistics", "POST", inc+"/accept", nil); r.body["moved"] != float64(3) {
			t.Fatalf("accept = %v", r.body)
		}
		if r := b.call(t, "logistics", "POST", inc+"/accept", nil); r.status != http.StatusConflict || r.code() != "illegal_transition" {
			t.Fatalf("accepting twice: %d %v", r.status, r.body)
		}
		b.must(t, http.StatusOK, "logistics", "POST", inc+"/contact", map[string]string{"note": "已逐一电话联系"})
		b.must(t, http.StatusOK, "logistics", "POST", inc+"/resolve", map[string]string{"result": "更换配电箱，恢复供电"})
		for _, n := range numbers {
			if r := b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases/"+n, nil); r.str("state") != "resolved" {
				t.Errorf("%s is %s", n, r.str("state"))
			}
		}
		// Actions an incident does not take are unknown there, as unknown
		// actions are on a case; nothing moves.
		for _, a := range []string{"return", "close", "teleport"} {
			if r := b.call(t, "logistics", "POST", inc+"/"+a, map[string]string{"note": "x"}); r.status != http.StatusNotFound || r.code() != "unknown_action" {
				t.Errorf("%s on an incident: %d %v", a, r.status, r.body)
			}
		}
		for _, n := range numbers {
			if r := b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases/"+n, nil); r.str("state") != "resolved" {
				t.Errorf("%s is %s after the refused actions", n, r.str("state"))
			}
		}
	})
}

// A case its unit returns leaves the unit's incident with it: after the
// office sends it to another unit, the old unit's incident no longer shows
// it, and the new unit accepts it as its own case, not the old unit's
// incident.
func TestReturnedCaseLeavesItsIncident(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		numbers := oneOutage(t, b)
		const inc = "/api/v1/incidents/1"
		moved := "/api/v1/cases/" + numbers[2]
		b.must(t, http.StatusOK, "logistics", "POST", moved+"/return", map[string]string{"reason": "宿舍楼内线路归宿管中心"})
		b.must(t, http.StatusOK, "office", "POST", moved+"/dispatch", map[string]any{"lead_unit": "dormitory"})

		r := b.must(t, http.StatusOK, "logistics", "GET", inc, nil)
		list, _ := r.body["cases"].([]any)
		for _, c := range list {
			if n, _ := c.(map[string]any)["number"].(string); n == numbers[2] {
				t.Errorf("the old unit's incident still shows %s", n)
			}
		}
		if len(list) != 2 {
			t.Errorf("incident holds %d cases, want 2", len(list))
		}
		if r := b.must(t, http.StatusOK, "dormitory", "POST", moved+"/accept", nil); r.str("state") != "accepted" || r.str("lead_unit") != "dormitory" {
			t.Errorf("the new unit's accept: %v", r.body)
		}
		for _, n := range numbers[:2] {
			if r := b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases/"+n, nil); r.str("state") != "dispatched" {
				t.Errorf("%s of the old unit's incident is %s after the new unit's accept", n, r.str("state"))
			}
		}
		r = b.must(t, http.StatusOK, "office", "GET", moved+"/events", nil)
		events, _ := r.body["events"].([]any)
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.(map[string]any)["kind"].(string))
		}
		if got := strings.Join(kinds, ","); got != "register,dispatch,incident_join,return,incident_remove,dispatch,accept" {
			t.Errorf("timeline %s", got)
		}
	})
}

// oneOutage registers three calls a minute apart about one dormitory's
// power cut, which become incident 1 of logistics, and returns their
// numbers.
func oneOutage(t *testing.T, b *bundle) []string {
	t.Helper()
	var numbers []string
	for i := range 3 {
		b.clock.Set(t0.Add(time.Duration(i) * time.Minute))
		r := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
			"channel": "hotline_1234", "channel_ref": fmt.Sprintf("CALL-%d", i),
			"complainant": map[string]string{"name": "张三", "contact": "13812345678"},
			"content":     "学生公寓3号楼停电了",
		})
		numbers = append(numbers, r.str("number"))
	}
	return numbers
}
