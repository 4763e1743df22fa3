package survey

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/bot/hostile"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/templates"
)

// The page is html/template: a unit's result or name written as markup
// shows as text, and the page's only tags are its own.
func TestPageShowsResultAsText(t *testing.T) {
	t.Parallel()
	p, err := NewPage(templates.Pages, nil, nil, func(string) string { return `<a href="http://evil.example">后勤</a>` }, nil)
	if err != nil {
		t.Fatal(err)
	}
	clean := httptest.NewRecorder()
	p.render(clean, 200, p.view(cases.Case{Number: "JS20261128-0001", LeadUnit: "logistics", Result: "已修复"}, "form"))
	want := strings.Count(clean.Body.String(), "<")
	for name, s := range hostile.Texts {
		w := httptest.NewRecorder()
		p.render(w, 200, p.view(cases.Case{Number: "JS20261128-0001", LeadUnit: "logistics", Result: s}, "form"))
		body := w.Body.String()
		if got := strings.Count(body, "<"); got != want {
			t.Errorf("%s: %d tags, the page has %d of its own:\n%s", name, got, want, body)
		}
		if !strings.Contains(body, "&lt;a href=&#34;http://evil.example&#34;&gt;后勤&lt;/a&gt;") {
			t.Errorf("%s: the unit's name is not shown as text", name)
		}
	}
}
