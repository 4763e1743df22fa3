package unitchat

import (
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/templates"
)

// What a unit or the office typed with a transition (a withdrawal's or a
// return's reason, a result, a co-unit's report) is masked in every
// message but the complainant's own, as the case's text is.
func TestRevealerMasksTheTransitionsTexts(t *testing.T) {
	t.Parallel()
	r, err := render.New(templates.FS, "", render.Base{BaseURL: "https://jiesu.example.edu.cn", Units: map[string]string{"logistics": "后勤管理处", "security": "保卫处"}})
	if err != nil {
		t.Fatal(err)
	}
	c := cases.Case{ID: 1, Number: "JS20261128-0001", LeadUnit: "logistics", Content: "路灯坏了",
		Complainant: cases.Complainant{NameSealed: "n", NameMasked: "张*"}, State: cases.StateAccepted, Tier: cases.TierGeneral}
	const typed = "已致电张三13812345678，已处理"
	for _, tc := range []struct {
		tmpl cases.Template
		key  string
	}{
		{"co_reported", "report"}, {"case_resolved", "result"}, {"case_returned", "reason"},
		{"case_withdrawn", "reason"}, {"extension_requested", "reason"},
	} {
		m, err := Revealer{Next: r, Keys: fixedName("张三")}.Render(tc.tmpl, render.Data{Case: c, Extra: map[string]string{"unit": "security", tc.key: typed}})
		if err != nil {
			t.Fatalf("%s: %v", tc.tmpl, err)
		}
		if strings.Contains(m.Text, "13812345678") || strings.Contains(m.Text, "张三") {
			t.Errorf("%s shows the typed phone or name: %q", tc.tmpl, m.Text)
		}
	}
	m, err := Revealer{Next: r, Keys: fixedName("张三")}.Render("case_result", render.Data{Case: c, Extra: map[string]string{"result": typed}})
	if err != nil || !strings.Contains(m.Text, typed) {
		t.Errorf("the complainant's result = %q, %v; want it as the unit wrote it", m.Text, err)
	}
}

type fixedName string

func (f fixedName) Open(string) (string, error) { return string(f), nil }
