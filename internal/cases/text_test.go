package cases

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, s string
		max     int
		ok      bool
	}{
		{"empty", "", 5, true},
		{"Chinese with tab and newlines", "宿舍\t停电\n请尽快\n", 10, true},
		{"markup, links, mentions, numbers", "<b>@所有人</b> http://a.example/?x=1&y=2 138-0013 8000", 60, true},
		{"emoji and U+FFFD as typed", "😀\uFFFD", 2, true},
		{"exactly the limit in characters, not bytes", strings.Repeat("长", 5), 5, true},
		{"one past the limit", strings.Repeat("长", 6), 5, false},
		{"NUL", "a\x00b", 5, false},
		{"carriage return", "a\r\nb", 5, false},
		{"escape", "a\x1bb", 5, false},
		{"DEL", "a\x7fb", 5, false},
		{"C1 control", "a\u0085b", 5, false},
		{"invalid UTF-8", "a\xffb", 5, false},
		{"lone surrogate as UTF-8", "a\xed\xa0\x80b", 5, false},
	} {
		ve := CheckText("content", tc.s, tc.max)
		if (ve == nil) != tc.ok {
			t.Errorf("%s: %v, want ok %v", tc.name, ve, tc.ok)
		}
		if ve != nil && (ve.Field != "content" || !errors.Is(ve, ErrInvalid)) {
			t.Errorf("%s: %#v", tc.name, ve)
		}
		if got := CleanText(tc.s); CheckText("content", got, 1<<20) != nil {
			t.Errorf("%s: CleanText left %q", tc.name, got)
		} else if tc.ok && got != tc.s {
			t.Errorf("%s: CleanText changed a good text to %q", tc.name, got)
		}
	}
}

func TestProblemsListsAll(t *testing.T) {
	t.Parallel()
	ps := Intake{Channel: "fax", Content: " ", Place: "a\x00", CoUnits: make([]string, MaxListItems+1), Tier: "soon"}.Problems()
	var fields []string
	for _, p := range ps {
		fields = append(fields, p.Field)
	}
	if got := strings.Join(fields, " "); got != "channel content place co_units tier" {
		t.Errorf("problems of %v", got)
	}
	var ve *ValidationError
	if err := ps.Err(); !errors.Is(err, ErrInvalid) || !errors.As(err, &ve) || ve.Field != "channel" {
		t.Errorf("Err() = %v", err)
	}
}
