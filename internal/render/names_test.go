package render

import (
	"github.com/jiesu/jiesu/internal/cases"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/templates"
)

// Messages name a category as the configuration does; an id it does not
// know shows as itself.
func TestCategoriesShowByName(t *testing.T) {
	t.Parallel()
	b := base()
	b.Categories = map[string]string{"water_power": "水电维修"}
	r, err := New(templates.FS, "", b)
	if err != nil {
		t.Fatal(err)
	}
	d := sample()
	d.Case.Category = "water_power"
	d.Extra["category"], d.Extra["place"], d.Extra["count"], d.Extra["pending"] = "water_power", "3号楼", "2", "1"
	for _, name := range []cases.Template{"case_dispatched", "case_co_dispatched", "case_triage", "unit_case_page", "incident_opened", "incident_updated"} {
		m, err := r.Render(name, d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if text := m.Title + "\n" + m.Text; !strings.Contains(text, "水电维修") || strings.Contains(text, "water_power") {
			t.Errorf("%s:\n%s", name, text)
		}
	}
	d.Case.Category = "unheard_of"
	if m, _ := r.Render("case_dispatched", d); !strings.Contains(m.Text, "类别：unheard_of") {
		t.Errorf("unknown id: %s", m.Text)
	}
}
