package render

import (
	"slices"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
)

// A case made urgent by its words shows them to the unit, masked like the
// rest of a group message, and the office's notice carries the one-tap
// downgrade to the tier before.
func TestUrgentByTextNotices(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, "")
	d := sample()
	d.Case.Tier, d.Case.TierRaisedFrom = cases.TierUrgent, cases.TierGeneral
	d.Case.TierEvidence = []string{"困在电梯", "室友13812345678失联"}
	m, err := r.Render("case_dispatched", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "紧急依据：“困在电梯”") || strings.Contains(m.Text, "13812345678") {
		t.Errorf("unit notice does not show the masked words:\n%s", m.Text)
	}
	o, err := r.Render("case_urgent_by_text", d)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(o.Actions, func(b bot.Button) bool {
		return b.Key == string(cases.ActionChangeTier) && b.Label == "降为一般事项"
	}) ||
		!strings.Contains(o.Text, "“困在电梯”") {
		t.Errorf("office notice: buttons %+v, text\n%s", o.Actions, o.Text)
	}
	d.Case.TierRaisedFrom, d.Case.TierEvidence = "", nil
	m, err = r.Render("case_dispatched", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.Text, "紧急依据") {
		t.Errorf("a case its words did not raise shows 紧急依据:\n%s", m.Text)
	}
}
