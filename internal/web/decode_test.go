package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestValidJSONText(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{
		`"宿舍停电"`:               true,
		`"\u5bbf\u820d"`:       true,
		`"\ud83d\ude00"`:       true, // 😀 as a surrogate pair
		`"a\\ud800"`:           true, // an escaped backslash, then text
		`["a","\n\t"]`:         true,
		`"\ud800"`:             false,
		`"\ud800\u0041"`:       false,
		`"\udc00"`:             false,
		`"\ud83d"`:             false,
		"\"a\xffb\"":           false,
		"\"\xed\xa0\x80\"":     false, // a surrogate written as UTF-8
		`"\u12"`:               false,
		`"\\\ud800\ude00"`:     true,
		`"x\\\\\ud800 \ude00"`: false,
	} {
		if got := validJSONText([]byte(raw)); got != want {
			t.Errorf("validJSONText(%s) = %v, want %v", raw, got, want)
		}
	}
}

// createBody is a typical hotline registration.
var createBody = []byte(`{"channel":"hotline_1234","channel_ref":"GD-2026-000123","complainant":{"name":"王五","contact":"13700000000"},"content":"` +
	strings.Repeat("学生公寓3号楼302室晚上十点以后没有热水，", 10) + `","place":"学生公寓3号楼","lead_unit":"logistics","co_units":["security"],"hold":false}`)

// BenchmarkDecodeCreateBody compares decode, which reads field by field to
// report every problem, with the single json.Decoder pass it replaced.
func BenchmarkDecodeCreateBody(b *testing.B) {
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			var req createRequest
			if err := decode(httptest.NewRequest("POST", "/api/v1/cases", bytes.NewReader(createBody)), &req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one-pass", func(b *testing.B) {
		for b.Loop() {
			var req createRequest
			dec := json.NewDecoder(httptest.NewRequest("POST", "/api/v1/cases", bytes.NewReader(createBody)).Body)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A body that may be left out is left out also when it comes chunked and
// empty (no Content-Length), as some clients send a bodiless POST.
func TestDecodeOptionalEmptyChunkedBody(t *testing.T) {
	t.Parallel()
	type note struct {
		Note string `json:"note"`
	}
	for _, tt := range []struct {
		name, body string
		want       string
		wantErr    bool
	}{
		{"empty", "", "", false},
		{"a note", `{"note":"已核实"}`, "已核实", false},
		{"not JSON", `<script>`, "", true},
	} {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/outbox/1/retry", strings.NewReader(tt.body))
		r.ContentLength = -1 // chunked: the length is not announced
		var got note
		err := decodeOptional(r, &got)
		if (err != nil) != tt.wantErr || got.Note != tt.want {
			t.Errorf("%s: note %q, err %v; want %q, error %v", tt.name, got.Note, err, tt.want, tt.wantErr)
		}
	}
}
