package render

import (
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/templates"
)

func TestBaseFrom(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{
		Server: config.Server{BaseURL: "https://jiesu.example.edu.cn"},
		Tiers: config.Tiers{
			Urgent:    config.Tier{Label: "紧急", ContactWithin: 30 * time.Minute, ResolveWithin: 2 * time.Hour},
			Essential: config.Tier{Label: "基本保障事项", ContactWithin: 2 * time.Hour, ResolveWithin: 48 * time.Hour},
			General:   config.Tier{ContactWithin: 24 * time.Hour, ResolveWithin: 120 * time.Hour},
		},
		Units:   []config.Unit{{ID: "logistics", Name: "后勤管理处"}},
		Members: []config.Member{{ID: "logistics-li", Name: "李老师"}},
	}
	r, err := New(templates.FS, "", BaseFrom(cfg))
	if err != nil {
		t.Fatal(err)
	}
	d := sample()
	m, err := r.Render("case_dispatched", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "等级：基本保障事项（2天内办结）") || m.Link != "https://jiesu.example.edu.cn/cases/JS20261128-0042" {
		t.Errorf("text %q, link %q", m.Text, m.Link)
	}
	d.Case.Tier = cases.TierGeneral
	if m, _ := r.Render("case_triage", d); !strings.Contains(m.Text, "等级：一般事项") {
		t.Errorf("a tier without a configured label must fall back to labels.tmpl: %q", m.Text)
	}
	if m, _ := r.Render("case_accepted", d); !strings.Contains(m.Text, "李老师") {
		t.Errorf("member name: %q", m.Text)
	}
}
