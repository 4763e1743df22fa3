package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/jiesu/jiesu/internal/storetest"
)

// A text search is no way around the mask: a member who sees 138****5678
// and 张* cannot learn the digits behind the stars, or confirm a guessed
// name, by searching for them; they still find the case by what they see.
func TestSearchCannotUnmaskTheText(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.NewSQLite(t))
	c := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
		"channel": "hotline_1234", "content": "3号楼路灯不亮，回电13812345678，我叫张三", "lead_unit": "logistics",
		"complainant": map[string]string{"name": "张三", "contact": "13812345678"},
	})
	found := func(who, q string) int {
		t.Helper()
		r := b.call(t, who, "GET", "/api/v1/cases?q="+url.QueryEscape(q), nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s q=%q: %d", who, q, r.status)
		}
		cs, _ := r.body["cases"].([]any)
		return len(cs)
	}
	for _, q := range []string{"13812345678", "1381234567", "8123", "张三", "我叫张三"} {
		if n := found("logistics", q); n != 0 {
			t.Errorf("the unit, which sees the text masked, found the case by %q", q)
		}
		if n := found("operator", q); n != 1 {
			t.Errorf("the operator, who may reveal, found %d cases by %q, want 1", n, q)
		}
	}
	for _, q := range []string{"路灯不亮", c.str("number")} {
		if n := found("logistics", q); n != 1 {
			t.Errorf("the unit found %d cases by %q, which it sees, want 1", n, q)
		}
	}
}
