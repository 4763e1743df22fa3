package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// badText are the ways a text can break the rule, each as it is written
// inside a JSON string and as it is written in a URL.
var badText = []struct {
	name       string
	json, path string
}{
	{"NUL", `a\u0000b`, "a%00b"},
	{"escape character", `a\u001bb`, "a%1Bb"},
	{"carriage return", `a\rb`, "a%0Db"},
	{"C1 control", `a\u0085b`, "a%C2%85b"},
	{"invalid UTF-8", "a\xff\xfeb", "a%FF%FEb"},
	{"lone surrogate", `a\ud800b`, "a%ED%A0%80b"},
	{"reversed surrogates", `\udc00\ud800`, "%ED%B0%80"},
	{"10,001 characters", strings.Repeat("长", 10001), strings.Repeat("%E9%95%BF", 10001)},
}

// TestEveryFieldRefusesBadText sends every way of breaking the text rule
// in every field of every input of the API: body fields, query
// parameters, path segments and the Idempotency-Key header. Each is
// refused, 422 for a body and 400 for the rest, naming the field, and
// changes nothing; none is a 500.
func TestEveryFieldRefusesBadText(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		c := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", map[string]any{
			"channel": "hotline_1234", "content": "3号楼门口路灯不亮", "lead_unit": "logistics",
		})
		casePath := "/api/v1/cases/" + c.str("number")
		// Each body is a template: BAD marks where the bad text goes.
		bodies := []struct {
			path, field, body string
		}{}
		create := map[string]string{
			"channel":             `{"channel":"BAD","content":"路灯不亮"}`,
			"channel_ref":         `{"channel":"city_12345","channel_ref":"BAD","content":"路灯不亮"}`,
			"complainant.name":    `{"channel":"hotline_1234","content":"路灯不亮","complainant":{"name":"BAD"}}`,
			"complainant.contact": `{"channel":"hotline_1234","content":"路灯不亮","complainant":{"contact":"BAD"}}`,
			"content":             `{"channel":"hotline_1234","content":"BAD"}`,
			"place":               `{"channel":"hotline_1234","content":"路灯不亮","place":"BAD"}`,
			"category":            `{"channel":"hotline_1234","content":"路灯不亮","category":"BAD"}`,
			"tier":                `{"channel":"hotline_1234","content":"路灯不亮","tier":"BAD"}`,
			"lead_unit":           `{"channel":"hotline_1234","content":"路灯不亮","lead_unit":"BAD"}`,
			"co_units":            `{"channel":"hotline_1234","content":"路灯不亮","lead_unit":"logistics","co_units":["BAD"]}`,
		}
		for field, body := range create {
			bodies = append(bodies, struct{ path, field, body string }{"/api/v1/cases", field, body})
		}
		for _, field := range []string{"note", "reason", "result", "report", "rating", "until", "lead_unit", "tier", "category", "unit", "primary"} {
			bodies = append(bodies, struct{ path, field, body string }{casePath + "/return", field, `{"` + field + `":"BAD"}`})
		}
		bodies = append(bodies,
			struct{ path, field, body string }{casePath + "/dispatch", "co_units", `{"co_units":["BAD"]}`},
			struct{ path, field, body string }{"/api/v1/incidents/1/cases", "case", `{"case":"BAD"}`},
			struct{ path, field, body string }{"/api/v1/incidents/1/accept", "note", `{"note":"BAD"}`},
			struct{ path, field, body string }{"/api/v1/incidents/1/resolve", "result", `{"result":"BAD"}`},
		)
		queries := map[string]string{
			"unit": "/api/v1/cases", "state": "/api/v1/cases", "tier": "/api/v1/cases", "channel": "/api/v1/cases",
			"overdue": "/api/v1/cases", "triage": "/api/v1/cases", "from": "/api/v1/cases", "to": "/api/v1/cases",
			"q": "/api/v1/cases", "limit": "/api/v1/cases", "after": "/api/v1/cases",
		}
		paths := []struct{ method, path, field string }{
			{"GET", "/api/v1/cases/BAD", "ref"},
			{"GET", "/api/v1/cases/BAD/events", "ref"},
			{"POST", "/api/v1/cases/BAD/reveal", "ref"},
			{"POST", "/api/v1/cases/BAD/accept", "ref"},
			{"POST", casePath + "/BAD", "action"},
			{"GET", "/api/v1/incidents/BAD", "id"},
			{"POST", "/api/v1/incidents/BAD/cases", "id"},
			{"DELETE", "/api/v1/incidents/1/cases/BAD", "ref"},
			{"POST", "/api/v1/incidents/BAD/accept", "id"},
			{"POST", "/api/v1/incidents/1/BAD", "action"},
		}
		check := func(what string, r response, status int, field string) {
			t.Helper()
			if r.status != status {
				t.Errorf("%s: status %d, want %d: %v", what, r.status, status, r.body)
				return
			}
			if f, _ := r.body["error"].(map[string]any)["field"].(string); f != field {
				t.Errorf("%s: field %q, want %q: %v", what, f, field, r.body)
			}
		}
		before := b.snapshot(t)
		for _, bad := range badText {
			for _, tt := range bodies {
				body := strings.Replace(tt.body, "BAD", bad.json, 1)
				check(bad.name+" in body "+tt.path+" "+tt.field, b.call(t, "office", "POST", tt.path, body), http.StatusUnprocessableEntity, tt.field)
			}
			for param, path := range queries {
				check(bad.name+" in query "+param, b.call(t, "office", "GET", path+"?"+param+"="+bad.path, nil), http.StatusBadRequest, param)
			}
			check(bad.name+" in follow-ups limit", b.call(t, "office", "GET", "/api/v1/follow-ups?limit="+bad.path, nil), http.StatusBadRequest, "limit")
			for _, p := range paths {
				check(bad.name+" in path "+p.path, b.call(t, "office", p.method, strings.Replace(p.path, "BAD", bad.path, 1), nil), http.StatusBadRequest, p.field)
			}
		}
		// A header can carry neither NUL nor control characters (the
		// client refuses to send them), but it can carry stray bytes.
		for name, key := range map[string]string{"invalid UTF-8": "call-\xff", "129 characters": strings.Repeat("k", 129)} {
			check(name+" in Idempotency-Key", b.call(t, "operator", "POST", "/api/v1/cases", map[string]any{"channel": "hotline_1234", "content": "路灯不亮"}, "Idempotency-Key", key),
				http.StatusUnprocessableEntity, "Idempotency-Key")
		}
		if after := b.snapshot(t); !before.equal(after) {
			t.Errorf("bad input changed the store (-before +after):\n%s", cmp.Diff(before, after, cmp.AllowUnexported(snapshot{})))
		}
	})
}

// Hostile but lawful text is kept exactly as it was written.
func TestHostileTextIsKeptAsWritten(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		text := "<script>alert('宿舍')</script> **停电** [点我](http://evil.example/x?a=1&b=2) @所有人 <@U123>\n" +
			"电话 138-0013 8000\t房间 3-201；😀\u200b" + strings.Repeat("长", 9800)
		for field, value := range map[string]string{"content": text, "place": "<b>3号楼</b> & 4-201", "complainant.name": "欧阳<i>娜娜</i>"} {
			body := map[string]any{"channel": "hotline_1234", "content": "路灯不亮"}
			if field == "complainant.name" {
				body["complainant"] = map[string]string{"name": value, "contact": "138 0013 8000"}
			} else {
				body[field] = value
			}
			created := b.must(t, http.StatusCreated, "operator", "POST", "/api/v1/cases", body)
			got := b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases/"+created.str("number"), nil)
			switch field {
			case "place":
				if got.str(field) != value {
					t.Errorf("%s stored as %q", field, got.str(field)[:min(80, len(got.str(field)))])
				}
			case "content":
				// Shown masked (docs/privacy.md), kept as written: the
				// reveal gives it back unchanged.
				if strings.Contains(got.str(field), "0013") || !strings.Contains(got.str(field), "138****8000") {
					t.Errorf("content shown as %q, want its phone masked", got.str(field)[:min(160, len(got.str(field)))])
				}
				who := b.must(t, http.StatusOK, "office", "POST", "/api/v1/cases/"+created.str("number")+"/reveal", nil)
				if who.str("content") != value {
					t.Errorf("content stored as %q", who.str("content")[:min(80, len(who.str("content")))])
				}
			default:
				who := b.must(t, http.StatusOK, "office", "POST", "/api/v1/cases/"+created.str("number")+"/reveal", nil)
				if who.str("name") != value || who.str("contact") != "138 0013 8000" {
					t.Errorf("complainant revealed as %v", who.body)
				}
			}
		}
		q := url.Values{"q": {"<script>"}}
		if n := len(b.must(t, http.StatusOK, "office", "GET", "/api/v1/cases?"+q.Encode(), nil).body["cases"].([]any)); n != 1 {
			t.Errorf("search for markup found %d cases", n)
		}
	})
}
