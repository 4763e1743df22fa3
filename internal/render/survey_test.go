package render

import (
	"github.com/jiesu/jiesu/internal/cases"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/templates"
)

func TestComplainantMessagesCarryTheSurveyLink(t *testing.T) {
	t.Parallel()
	b := base()
	b.SurveyLink = func(n string) string { return "https://jiesu.example.edu.cn/survey/tok-" + n }
	r, err := New(templates.FS, "", b)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []cases.Template{"case_result", "case_survey"} {
		m, err := r.Render(name, sample())
		if err != nil {
			t.Fatal(err)
		}
		if m.Kind != bot.MessageText || !strings.Contains(m.Title, "JS20261128-0042") || !strings.Contains(m.Text, "1 非常满意") {
			t.Errorf("%s: %+v", name, m)
		}
		if len(m.Actions) != 1 || m.Actions[0].URL != "https://jiesu.example.edu.cn/survey/tok-JS20261128-0042" {
			t.Errorf("%s actions = %+v", name, m.Actions)
		}
	}
	// Without a survey page the digits remain, and no empty button.
	plain := newRenderer(t, "")
	m, err := plain.Render("case_survey", sample())
	if err != nil || len(m.Actions) != 0 {
		t.Errorf("no link: %+v, %v", m.Actions, err)
	}
}
