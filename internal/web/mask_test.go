package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// typedIn is a complaint with the personal data people type into one:
// a dashed mobile, a full-width one with +86, a landline, an ID card, a
// student number and the complainant's own name.
const typedIn = "我是王小明，学号2021012345，宿舍6-312从12月5日起停水。电话138-0013-8000，" +
	"或＋８６ １３９ ００１３ ９０００，座机010-62781234，身份证11010119900307123X。"

// clearParts are what must not show anywhere but through the reveal.
var clearParts = []string{"王小明", "2021012345", "0013", "62781234", "19900307", "１３９"}

func TestAPIShowsTypedPersonalDataMaskedUntilRevealed(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		leaks := func(what string, r response) {
			t.Helper()
			raw, _ := json.Marshal(r.body)
			for _, p := range clearParts {
				if strings.Contains(string(raw), p) {
					t.Errorf("%s shows %q: %s", what, p, raw)
				}
			}
		}
		c := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
			"channel": "hotline_1234", "channel_ref": "CALL-MASK",
			"complainant": map[string]string{"name": "王小明", "contact": "13800138000"},
			"content":     typedIn, "lead_unit": "logistics",
		})
		leaks("the created case", c)
		want := "我是王**，学号20******45，宿舍6-312从12月5日起停水。电话138****8000，" +
			"或139****9000，座机010-****1234，身份证110***********123X。"
		if got := c.str("content"); got != want {
			t.Errorf("content\n got %q\nwant %q", got, want)
		}
		path := "/api/v1/cases/" + c.str("number")
		leaks("the case", b.must(t, http.StatusOK, "logistics", "GET", path, nil))
		leaks("the list", b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases?q=停水", nil))
		leaks("the accepted case", b.must(t, http.StatusOK, "logistics", "POST", path+"/accept", nil))
		b.must(t, http.StatusOK, "operator", "POST", path+"/supplement", map[string]any{"note": "王小明补充：也可以打 139 0013 9000"})
		leaks("the timeline", b.must(t, http.StatusOK, "leader", "GET", path+"/events", nil))
		b.must(t, http.StatusOK, "logistics", "POST", path+"/contact", map[string]any{"note": "已打138 0013 8000联系王小明"})
		r := b.must(t, http.StatusOK, "logistics", "POST", path+"/resolve", map[string]any{"result": "已修复，回电138-0013-8000告知王小明"})
		if r.str("result") != "已修复，回电138****8000告知王**" {
			t.Errorf("result = %q, want it masked", r.str("result"))
		}
		leaks("the resolved case", r)
		leaks("the timeline", b.must(t, http.StatusOK, "leader", "GET", path+"/events", nil))

		r = b.must(t, http.StatusOK, "logistics", "POST", path+"/reveal", nil)
		if r.str("content") != typedIn {
			t.Errorf("revealed content = %q, want the text as typed", r.str("content"))
		}
		if s, _ := r.body["supplements"].([]any); len(s) != 1 || s[0] != "王小明补充：也可以打 139 0013 9000" {
			t.Errorf("revealed supplements = %v", r.body["supplements"])
		}
	})
}
