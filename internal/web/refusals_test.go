package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// problemFields are the fields of a refusal's problems, or its one field.
func (r response) problemFields() []string {
	e, _ := r.body["error"].(map[string]any)
	ps, _ := e["problems"].([]any)
	if len(ps) == 0 {
		f, _ := e["field"].(string)
		return []string{f}
	}
	var out []string
	for _, p := range ps {
		f, _ := p.(map[string]any)["field"].(string)
		out = append(out, f)
	}
	return out
}

// A replay must be the first request again: the same key or work order
// with another complaint is refused, naming what differs, and the second
// complaint is not taken for the first.
func TestReplayThatDiffersIsRefused(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		first := map[string]any{"channel": "city_12345", "channel_ref": "GD-2026-000123", "content": "校园网经常断网",
			"complainant": map[string]string{"name": "王五", "contact": "13700000000"}}
		made := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", first)
		same := b.call(t, "operator", "POST", "/api/v1/cases", first)
		if same.status != http.StatusOK || same.str("number") != made.str("number") {
			t.Fatalf("an exact replay: %d %v", same.status, same.body)
		}
		for name, tc := range map[string]struct {
			change func(map[string]any)
			want   string
		}{
			"another complainant": {func(m map[string]any) {
				m["complainant"] = map[string]string{"name": "李四", "contact": "13700000000"}
			}, "complainant.name"},
			"another phone": {func(m map[string]any) {
				m["complainant"] = map[string]string{"name": "王五", "contact": "13900000000"}
			}, "complainant.contact"},
			"another text": {func(m map[string]any) { m["content"] = "食堂饭菜太贵" }, "content"},
		} {
			body := map[string]any{}
			for k, v := range first {
				body[k] = v
			}
			tc.change(body)
			r := b.call(t, "operator", "POST", "/api/v1/cases", body)
			if r.status != http.StatusConflict || r.code() != "idempotency_mismatch" || !strings.Contains(r.message(), tc.want) {
				t.Errorf("%s: %d %v, want 409 idempotency_mismatch naming %s", name, r.status, r.body, tc.want)
			}
		}
		key := map[string]any{"channel": "hotline_1234", "content": "图书馆空调不制冷"}
		b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", key) // no key: a case of its own
		k1 := b.call(t, "operator", "POST", "/api/v1/cases", key, "Idempotency-Key", "call-42")
		k2 := b.call(t, "operator", "POST", "/api/v1/cases", map[string]any{"channel": "hotline_1234", "content": "宿舍没有热水"}, "Idempotency-Key", "call-42")
		if k1.status != http.StatusCreated || k2.status != http.StatusConflict || k2.code() != "idempotency_mismatch" || k2.str("number") != "" {
			t.Errorf("a reused Idempotency-Key: %d then %d %v", k1.status, k2.status, k2.body)
		}
		if s := b.snapshot(t); s.cases != 3 {
			t.Errorf("%d cases, want 3", s.cases)
		}
	})
}

// Wrong methods, unknown or malformed query parameters and bad values say
// exactly what is wrong, and all of a body's problems come at once.
func TestRefusalsSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		c := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
			"channel": "hotline_1234", "content": "3号楼门口路灯不亮", "lead_unit": "logistics",
		})
		path := "/api/v1/cases/" + c.str("number")
		for _, tc := range []struct {
			method, path, allow string
		}{
			{"DELETE", "/api/v1/cases", "GET, HEAD, POST"},
			{"PUT", path, "GET, HEAD"},
			{"GET", path + "/accept", "POST"},
			{"PATCH", "/api/v1/incidents/1/cases/" + c.str("number"), "DELETE"},
			{"POST", "/api/v1/follow-ups", "GET, HEAD"},
		} {
			r := b.call(t, "office", tc.method, tc.path, nil)
			if r.status != http.StatusMethodNotAllowed || r.code() != "method_not_allowed" || r.header.Get("Allow") != tc.allow {
				t.Errorf("%s %s: %d %s Allow %q, want 405 Allow %q", tc.method, tc.path, r.status, r.code(), r.header.Get("Allow"), tc.allow)
			}
		}
		for query, field := range map[string]string{
			"?overdue=yes":            "overdue",
			"?triage=1":               "triage",
			"?status=closed":          "status",
			"?unit=logistics&sort=id": "sort",
			"?q=%zz":                  "query",
		} {
			r := b.call(t, "office", "GET", "/api/v1/cases"+query, nil)
			if r.status != http.StatusBadRequest || r.code() != "bad_query" || r.problemFields()[0] != field || !strings.Contains(r.message(), field) {
				t.Errorf("%s: %d %v, want 400 naming %s", query, r.status, r.body, field)
			}
		}
		if r := b.call(t, "office", "GET", path+"?verbose=true", nil); r.status != http.StatusBadRequest || !strings.Contains(r.message(), "takes none") {
			t.Errorf("a parameter to an endpoint that takes none: %d %v", r.status, r.body)
		}
		if r := b.call(t, "office", "GET", "/api/v1/cases?state="+strings.Repeat("registered,", 70<<10), nil); r.status != http.StatusBadRequest || r.problemFields()[0] != "state" {
			t.Errorf("a 770 KB state list: %d %v", r.status, r.body)
		}
		r := b.call(t, "operator", "POST", path+"/rate", `{"rating":5}`)
		if r.status != http.StatusBadRequest || r.problemFields()[0] != "rating" ||
			!strings.Contains(r.message(), "very_satisfied, satisfied, basically_satisfied, unsatisfied, very_unsatisfied") || strings.Contains(r.message(), "cases.") {
			t.Errorf(`{"rating":5}: %d %v`, r.status, r.body)
		}
		r = b.call(t, "logistics", "POST", path+"/request-extension", `{"reason":"等配件","until":"下周五"}`)
		if r.status != http.StatusUnprocessableEntity || r.problemFields()[0] != "until" || !strings.Contains(r.message(), "+08:00") {
			t.Errorf("a bad until: %d %v", r.status, r.body)
		}
		r = b.call(t, "operator", "POST", "/api/v1/cases", `{"channel":"fax","content":"","place":"a\u0000b","lead_unit":"mars","urgency":"high","tier":3}`)
		got := strings.Join(r.problemFields(), " ")
		if r.status != http.StatusBadRequest || got != "tier urgency" {
			t.Errorf("shape problems: %d %s %v", r.status, got, r.body)
		}
		r = b.call(t, "operator", "POST", "/api/v1/cases", `{"channel":"fax","content":"","place":"a\u0000b","complainant":{"name":"\u0007"},"lead_unit":"mars"}`)
		got = strings.Join(r.problemFields(), " ")
		if r.status != http.StatusUnprocessableEntity || got != "channel content place complainant.name lead_unit" {
			t.Errorf("value problems: %d %s %v", r.status, got, r.body)
		}
		// A request id that breaks the text rule is replaced, not echoed
		// into the response and the logs.
		if r := b.call(t, "office", "GET", "/api/v1/me", nil, "X-Request-Id", "req-\xff\xfe"); r.header.Get("X-Request-Id") == "req-\xff\xfe" || r.header.Get("X-Request-Id") == "" {
			t.Errorf("request id %q", r.header.Get("X-Request-Id"))
		}
		if r := b.call(t, "office", "GET", "/api/v1/me", nil, "X-Request-Id", "req-42"); r.header.Get("X-Request-Id") != "req-42" {
			t.Errorf("a good request id became %q", r.header.Get("X-Request-Id"))
		}
		r = b.call(t, "operator", "POST", "/api/v1/cases", `{"channel":"hotline_1234","content":"路灯","category":"weather","lead_unit":"mars","co_units":["venus"]}`)
		got = strings.Join(r.problemFields(), " ")
		if r.status != http.StatusUnprocessableEntity || got != "category lead_unit co_units" {
			t.Errorf("name problems: %d %s %v", r.status, got, r.body)
		}
	})
}

// With the database gone, requests are 503 with Retry-After, not 500: the
// client should come back, not report a bug.
func TestDatabaseDownIs503(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		c := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{"channel": "hotline_1234", "content": "路灯不亮"})
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			who, method, path string
			body              any
		}{
			{"operator", "POST", "/api/v1/cases", map[string]any{"channel": "hotline_1234", "content": "宿舍停水"}},
			{"office", "GET", "/api/v1/cases", nil},
			{"office", "GET", "/api/v1/cases/" + c.str("number"), nil},
			{"office", "POST", "/api/v1/cases/" + c.str("number") + "/dispatch", map[string]any{"lead_unit": "logistics"}},
		} {
			r := b.call(t, tc.who, tc.method, tc.path, tc.body)
			if r.status != http.StatusServiceUnavailable || r.code() != "unavailable" || r.header.Get("Retry-After") == "" {
				t.Errorf("%s %s: %d %v Retry-After %q", tc.method, tc.path, r.status, r.body, r.header.Get("Retry-After"))
			}
		}
	})
}
