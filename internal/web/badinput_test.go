package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		c := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
			"channel": "hotline_1234", "content": "3号楼门口路灯不亮", "lead_unit": "logistics",
			"complainant": map[string]string{"name": "王五", "contact": "13700000000"},
		})
		path := "/api/v1/cases/" + c.str("number")
		huge := `{"channel":"hotline_1234","content":"` + strings.Repeat("停", 40<<10) + `"}`
		tests := []struct {
			name         string
			who          string
			method, path string
			body         any
			status       int
			code, field  string
		}{
			{"malformed JSON", "operator", "POST", "/api/v1/cases", `{"channel": "hotline_1234",`, 400, "malformed_json", ""},
			{"two JSON objects", "operator", "POST", "/api/v1/cases", `{"content":"a"} {"content":"b"}`, 400, "malformed_json", ""},
			{"wrong type", "operator", "POST", "/api/v1/cases", `{"channel": 7}`, 400, "malformed_json", "channel"},
			{"unknown field", "operator", "POST", "/api/v1/cases", `{"channel":"hotline_1234","content":"x","urgency":"high"}`, 400, "unknown_field", "urgency"},
			{"oversize body", "operator", "POST", "/api/v1/cases", huge, 413, "body_too_large", ""},
			{"no token", "", "POST", "/api/v1/cases", `{"channel":"hotline_1234","content":"x"}`, 401, "unauthorized", ""},
			{"invalid token", "jsu_not-a-real-token", "GET", "/api/v1/cases", nil, 401, "unauthorized", ""},
			{"garbage token", "Zm9vOmJhcg==", "GET", "/api/v1/cases", nil, 401, "unauthorized", ""},
			{"missing content", "operator", "POST", "/api/v1/cases", `{"channel":"hotline_1234"}`, 422, "invalid", "content"},
			{"unknown channel", "operator", "POST", "/api/v1/cases", `{"channel":"fax","content":"x"}`, 422, "invalid", "channel"},
			{"chat channel through the API", "operator", "POST", "/api/v1/cases", `{"channel":"wechat_oa","content":"x"}`, 422, "invalid", "channel"},
			{"unknown unit", "operator", "POST", "/api/v1/cases", `{"channel":"hotline_1234","content":"x","lead_unit":"mars"}`, 422, "invalid", "lead_unit"},
			{"co-units without a lead", "operator", "POST", "/api/v1/cases", `{"channel":"hotline_1234","content":"x","co_units":["security"]}`, 422, "invalid", "lead_unit"},
			{"unknown category", "operator", "POST", "/api/v1/cases", `{"channel":"hotline_1234","content":"x","category":"weather"}`, 422, "invalid", "category"},
			{"a handler registers", "security", "POST", "/api/v1/cases", `{"channel":"hotline_1234","content":"x"}`, 403, "forbidden", ""},
			{"another unit's case", "security", "POST", path + "/accept", nil, 403, "forbidden", ""},
			{"another unit reads", "security", "GET", path, nil, 403, "forbidden", ""},
			{"illegal transition", "logistics", "POST", path + "/resolve", `{"result":"done"}`, 409, "illegal_transition", ""},
			{"rate before feedback", "operator", "POST", path + "/rate", `{"rating":"satisfied"}`, 409, "illegal_transition", ""},
			{"missing reason", "logistics", "POST", path + "/return", `{}`, 422, "invalid", "reason"},
			{"unknown action", "office", "POST", path + "/teleport", nil, 404, "unknown_action", ""},
			{"a unit changes its tier", "logistics", "POST", path + "/change-tier", `{"tier":"general"}`, 403, "forbidden", ""},
			{"a made-up tier", "office", "POST", path + "/change-tier", `{"tier":"紧急<script>alert(1)</script>"}`, 422, "invalid", "tier"},
			{"downgrade of a case its words did not raise", "office", "POST", path + "/change-tier", `{}`, 422, "invalid", "tier"},
			{"unknown case", "office", "GET", "/api/v1/cases/JS20000101-0001", nil, 404, "not_found", ""},
			{"unknown endpoint", "office", "GET", "/api/v1/nothing", nil, 404, "not_found", ""},
			{"bad list filter", "office", "GET", "/api/v1/cases?state=lost", nil, 400, "bad_query", "state"},
			{"bad limit", "office", "GET", "/api/v1/cases?limit=100000", nil, 400, "bad_query", "limit"},
			{"wrong content type", "operator", "POST", "/api/v1/cases", []byte("channel=hotline_1234"), 415, "unsupported_media_type", ""},
		}
		for _, tt := range tests {
			before := b.snapshot(t)
			var r response
			if tt.name == "wrong content type" {
				r = b.call(t, tt.who, tt.method, tt.path, tt.body, "Content-Type", "application/x-www-form-urlencoded")
			} else {
				r = b.call(t, tt.who, tt.method, tt.path, tt.body)
			}
			if r.status != tt.status || r.code() != tt.code {
				t.Errorf("%s: %d %s, want %d %s (%v)", tt.name, r.status, r.code(), tt.status, tt.code, r.body)
			}
			if tt.field != "" {
				if f := r.body["error"].(map[string]any)["field"]; f != tt.field {
					t.Errorf("%s: field %v, want %s", tt.name, f, tt.field)
				}
			}
			if after := b.snapshot(t); !before.equal(after) {
				t.Errorf("%s: changed the store (-before +after):\n%s", tt.name, cmp.Diff(before, after, cmp.AllowUnexported(snapshot{})))
			}
		}
	})
}

func TestRepeatedCreatesMakeOneCase(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		body := map[string]any{"channel": "hotline_1234", "content": "图书馆空调不制冷"}
		first := b.call(t, "operator", "POST", "/api/v1/cases", body, "Idempotency-Key", "call-42")
		again := b.call(t, "operator", "POST", "/api/v1/cases", body, "Idempotency-Key", "call-42")
		if first.status != http.StatusCreated || again.status != http.StatusOK || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("statuses %d then %d", first.status, again.status)
		}
		if first.str("number") != again.str("number") {
			t.Errorf("idempotency key made %s and %s", first.str("number"), again.str("number"))
		}
		// The same 12345 work order transferred twice, concurrently.
		order := map[string]any{"channel": "city_12345", "channel_ref": "GD-2026-000123", "content": "校园网经常断网"}
		var wg sync.WaitGroup
		numbers := make([]string, 10)
		for i := range numbers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				numbers[i] = b.call(t, "operator", "POST", "/api/v1/cases", order).str("number")
			}()
		}
		wg.Wait()
		for _, n := range numbers {
			if n == "" || n != numbers[0] {
				t.Fatalf("concurrent transfers of one work order made %v", numbers)
			}
		}
		if s := b.snapshot(t); s.cases != 2 {
			t.Errorf("%d cases, want 2", s.cases)
		}
	})
}

func TestListFiltersAndPaging(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		for i := 0; i < 5; i++ {
			b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
				"channel": "hotline_1234", "content": fmt.Sprintf("第%d次反映路灯问题", i), "lead_unit": "logistics",
			})
		}
		b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{"channel": "leader_mailbox", "content": "建议延长图书馆开放时间", "hold": true})
		page := b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases?unit=logistics&limit=3", nil)
		if n := len(page.body["cases"].([]any)); n != 3 || page.str("next") == "" {
			t.Fatalf("first page: %d cases, next %q", n, page.str("next"))
		}
		rest := b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases?unit=logistics&limit=3&after="+page.str("next"), nil)
		if n := len(rest.body["cases"].([]any)); n != 2 {
			t.Errorf("second page: %d cases", n)
		}
		if n := len(b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases?channel=leader_mailbox", nil).body["cases"].([]any)); n != 1 {
			t.Errorf("channel filter: %d", n)
		}
		if n := len(b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases?triage=true", nil).body["cases"].([]any)); n != 1 {
			t.Errorf("triage filter: %d", n)
		}
		// A date range names whole days in Shanghai, both ends included; an
		// RFC 3339 `to` is an instant, excluded.
		day := func(d int) string { return t0.In(cases.Shanghai()).AddDate(0, 0, d).Format("2006-01-02") }
		for q, want := range map[string]int{
			"from=" + day(0) + "&to=" + day(0):               6,
			"to=" + day(-1):                                  0,
			"from=" + day(1):                                 0,
			"to=" + url.QueryEscape(t0.Format(time.RFC3339)): 0,
			"to=" + url.QueryEscape(t0.Add(time.Second).Format(time.RFC3339)): 6,
		} {
			if n := len(b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases?"+q, nil).body["cases"].([]any)); n != want {
				t.Errorf("%s: %d cases, want %d", q, n, want)
			}
		}
		// A unit sees only its own cases, whatever it asks for.
		if n := len(b.must(t, http.StatusOK, "security", "GET", "/api/v1/cases", nil).body["cases"].([]any)); n != 0 {
			t.Errorf("security sees %d cases of others", n)
		}
		b.clock.Advance(6 * 24 * time.Hour)
		if n := len(b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases?overdue=true", nil).body["cases"].([]any)); n != 5 {
			t.Errorf("overdue after six days: %d, want 5", n)
		}
		if n := len(b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases?q="+"%E8%B7%AF%E7%81%AF", nil).body["cases"].([]any)); n != 5 {
			t.Errorf("text search: %d", n)
		}
	})
}
