package render

import (
	"github.com/jiesu/jiesu/internal/cases"
	"strings"
	"testing"
	"unicode"

	"github.com/jiesu/jiesu/bot/hostile"
)

// Data a template prints cannot add a line, a field, a button or a link
// to the message, whatever template prints it and however it is written.
func TestDataCannotChangeAMessagesShape(t *testing.T) {
	t.Parallel()
	r := New0(t)
	with := func(s string) Data {
		d := sample()
		d.Case.Content, d.Case.Place, d.Case.Result, d.Case.Category = s, s, s, s
		d.Case.Complainant.NameMasked = s
		for k := range d.Extra {
			d.Extra[k] = s
		}
		d.Extra["place"], d.Extra["category"], d.Extra["name"], d.Extra["number"] = s, s, s, s
		return d
	}
	clean := map[cases.Template]shape{}
	for _, name := range r.Names() {
		if m, err := r.Render(name, with("正常的文字")); err == nil {
			clean[name] = shapeOf(m.Text, len(m.Fields), len(m.Actions), len(m.Links))
		}
	}
	for kind, s := range hostile.Texts {
		d := with(s)
		for _, name := range r.Names() {
			m, err := r.Render(name, d)
			if err != nil {
				continue // a template may refuse data it cannot read, like a duration
			}
			got := shapeOf(m.Text, len(m.Fields), len(m.Actions), len(m.Links))
			if got.lines > clean[name].lines || got.fields > clean[name].fields || got.buttons > clean[name].buttons || got.links > 0 {
				t.Errorf("%s with %s: %+v, clean %+v:\n%s", name, kind, got, clean[name], m.PlainText())
			}
			if i := strings.IndexFunc(m.Title+m.Text, func(r rune) bool {
				return unicode.IsControl(r) && r != '\n' || unicode.Is(unicode.Cf, r) || r == linkOpen || r == linkClose
			}); i >= 0 {
				t.Errorf("%s with %s: a control or format character is left: %q", name, kind, m.Title+m.Text)
			}
		}
	}
}

type shape struct{ lines, fields, buttons, links int }

func shapeOf(text string, fields, buttons, links int) shape {
	return shape{strings.Count(text, "\n") + 1, fields, buttons, links}
}

// A link jiesu makes stays a link, listed in Links so that the platforms'
// escapers leave it; the same text typed as data is not listed.
func TestOwnLinksAreListed(t *testing.T) {
	t.Parallel()
	r := New0(t)
	d := sample()
	d.Extra["count"], d.Extra["escalations"], d.Extra["reminders"] = "1", "1", "0"
	d.Extra["rows"] = "JS20261128-0042\tlogistics\tnot_resolved\tlate_by\t1h\t"
	m, err := r.Render("escalation_digest", d)
	if err != nil {
		t.Fatal(err)
	}
	want := "https://jiesu.example.edu.cn/cases/JS20261128-0042"
	if len(m.Links) != 1 || m.Links[0] != want || !strings.Contains(m.Text, want) {
		t.Errorf("Links = %q, text %q", m.Links, m.Text)
	}
	d.Extra["rows"] = "\uE000http://evil.example\uE001\tlogistics\tnot_resolved\tlate_by\t1h\t"
	// The row's number still makes our own link (its path escaped), and
	// the number as printed is plain data.
	if m, err = r.Render("escalation_digest", d); err != nil || len(m.Links) != 1 ||
		!strings.HasPrefix(m.Links[0], "https://jiesu.example.edu.cn/cases/") || strings.Contains(m.Links[0], "://evil") {
		t.Errorf("forged markers: Links = %q, %v", m.Links, err)
	}
}

// New0 is the embedded renderer of the tests.
func New0(t *testing.T) *Renderer { t.Helper(); return newRenderer(t, "") }

// A place is quoted to groups like the content: masked, on one line, cut;
// a letter pasted into it does not flood the group.
func TestPlaceIsCutInGroupMessages(t *testing.T) {
	t.Parallel()
	r := New0(t)
	d := sample()
	d.Case.Place = hostile.Texts["very long"]
	d.Extra["place"], d.Extra["count"], d.Extra["pending"], d.Extra["action"] = d.Case.Place, "2", "1", "accept"
	for _, name := range []cases.Template{"case_dispatched", "case_co_dispatched", "case_triage", "incident_opened", "incident_updated", "incident_handled"} {
		m, err := r.Render(name, d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := len([]rune(m.Title + m.Text)); n > 600 {
			t.Errorf("%s: %d runes with a long place:\n%.300s", name, n, m.Title+"\n"+m.Text)
		}
	}
}

func TestInert(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"学生公寓3号楼", "学生公寓3号楼"},
		{"东门\n联系电话：138\r\n\t办结", "东门 联系电话：138 办结"},
		{"停\x00水\x07了\u202E反\u200B向\u2028下", "停水了反向 下"},
		{"bad\xffbyte", "bad\uFFFDbyte"},
		{"\uE000http://evil.example\uE001", "http://evil.example"},
		{"138-1234-5678 138 1234 5678", "138-1234-5678 138 1234 5678"},
		{42, "42"},
		{URL("https://jiesu.example.edu.cn/cases/JS1"), "\uE000https://jiesu.example.edu.cn/cases/JS1\uE001"},
		{URL(""), ""},
	} {
		if got := inert(tc.in); got != tc.want {
			t.Errorf("inert(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
