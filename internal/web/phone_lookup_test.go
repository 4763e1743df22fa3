package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// A hotline operator finds a caller's earlier cases by the phone, however
// it is written; the office can too, nobody else can, and the phone is
// nowhere stored readable.
func TestRepeatCallerFoundByPhone(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		register := func(contact, content string, confidential bool) string {
			return b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
				"channel": "hotline_1234", "content": content, "lead_unit": "logistics", "confidential": confidential,
				"complainant": map[string]string{"name": "张三", "contact": contact},
			}).str("number")
		}
		first := register("138 1234 5678", "3号楼路灯不亮", false)
		second := register("+86 138-1234-5678", "3号楼路灯还是不亮", true)
		register("13900000000", "食堂饭菜太咸", false)
		register("", "匿名：图书馆太吵", false)

		find := func(who, q string) []string {
			t.Helper()
			r := b.must(t, http.StatusOK, who, "GET", "/api/v1/cases?q="+url.QueryEscape(q), nil)
			var nums []string
			for _, c := range r.body["cases"].([]any) {
				nums = append(nums, c.(map[string]any)["number"].(string))
			}
			return nums
		}
		want := fmt.Sprint([]string{second, first})
		for _, q := range []string{"13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "１３８１２３４５６７８", " 138\u30001234\u30005678 "} {
			for _, who := range []string{"operator", "office"} {
				if got := fmt.Sprint(find(who, q)); got != want {
					t.Errorf("%s q=%q found %s, want %s", who, q, got, want)
				}
			}
		}
		// A unit's handler and a leader read these cases, but may not learn
		// whose they are by the phone.
		for _, who := range []string{"logistics", "leader"} {
			if got := find(who, "13812345678"); len(got) != 0 {
				t.Errorf("%s found %v by the phone", who, got)
			}
		}
		// Text that only looks like a phone stays a text search.
		for _, q := range []string{"13812345678<script>", "@13812345678", "电话13812345678", "https://x.cn/?p=13812345678", "1381234\u200b5678", "138\u202e12345678", strings.Repeat("1", 200)} {
			if got := find("operator", q); len(got) != 0 {
				t.Errorf("q=%.30q found %v", q, got)
			}
		}
		// A very long one, or one with a control character, is refused
		// before any lookup, as every list query.
		for _, q := range []string{strings.Repeat("%E9%95%BF", 3000), "1381234%005678"} {
			if r := b.call(t, "operator", "GET", "/api/v1/cases?q="+q, nil); r.status != http.StatusBadRequest {
				t.Errorf("q=%.30s: status %d, want 400", q, r.status)
			}
		}
		if got := find("operator", "路灯"); len(got) != 2 {
			t.Errorf("a text search found %v, want the two cases about the lamp", got)
		}

		list, err := st.ListCases(context.Background(), cases.Filter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			p := c.Complainant
			for _, v := range []string{p.NameSealed, p.ContactSealed, p.ContactIndex, p.ContactMasked, c.Content} {
				if strings.Contains(v, "12345678") || strings.Contains(v, "00000000") {
					t.Errorf("case %s stores %q: the phone is readable", c.Number, v)
				}
			}
		}
	})
}
