package web_test

import (
	"fmt"
	"net/http"
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
		const inc = "/api/v1/incidents/1"
		members := func(r response) int { list, _ := r.body["cases"].([]any); return len(list) }
		if r := b.must(t, http.StatusOK, "office", "GET", inc, nil); members(r) != 3 || r.str("place") != "学生公寓3号楼" {
			t.Fatalf("incident = %v", r.body)
		}
		b.must(t, http.StatusForbidden, "dormitory", "GET", inc, nil)
		b.must(t, http.StatusNotFound, "office", "GET", "/api/v1/incidents/999", nil)

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
		if r := b.call(t, "logistics", "POST", inc+"/return", map[string]string{"note": "x"}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("return on an incident: %d %v", r.status, r.body)
		}
	})
}
