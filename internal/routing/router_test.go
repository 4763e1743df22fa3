package routing

import (
	"errors"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/config"
)

func TestNewRefusesBadRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*config.Config)
		key    string // the error must name the bad key
	}{
		{"empty category id", func(c *config.Config) { c.Categories[1].ID = " " }, "categories[1].id"},
		{"duplicate category id", func(c *config.Config) { c.Categories[2].ID = "utilities" }, "categories[2].id"},
		{"unknown tier", func(c *config.Config) { c.Categories[0].Tier = "critical" }, "categories[0].tier"},
		{"empty keyword", func(c *config.Config) { c.Categories[3].Keywords = append(c.Categories[3].Keywords, "  ") }, "categories[3].keywords[4]"},
		{"unknown lead unit", func(c *config.Config) { c.Categories[0].LeadUnit = "logistic" }, "categories[0].lead_unit"},
		{"unknown co-unit", func(c *config.Config) { c.Categories[1].CoUnits = []string{"nobody"} }, "categories[1].co_units[0]"},
		{"co-unit is the lead unit", func(c *config.Config) { c.Categories[1].CoUnits = []string{"catering"} }, "categories[1].co_units[0]"},
		{"co-unit listed twice", func(c *config.Config) { c.Categories[1].CoUnits = []string{"logistics", "logistics"} }, "categories[1].co_units[1]"},
		{"empty urgent word", func(c *config.Config) { c.Routing.UrgentWords = []string{"着火", ""} }, "routing.urgent_words[1]"},
		{"empty essential word", func(c *config.Config) { c.Routing.EssentialWords = []string{""} }, "routing.essential_words[0]"},
		{"empty official word", func(c *config.Config) { c.Routing.OfficialWords = []string{"\t"} }, "routing.official_words[0]"},
		{"empty place", func(c *config.Config) { c.Routing.Places = []string{"图书馆", ""} }, "routing.places[1]"},
		{"unknown triage unit", func(c *config.Config) { c.Dispatch.TriageUnit = "office" }, "dispatch.triage_unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig()
			tt.mutate(cfg)
			_, err := New(cfg)
			if !errors.Is(err, ErrInvalidRule) {
				t.Fatalf("New: err = %v, want ErrInvalidRule", err)
			}
			if !strings.Contains(err.Error(), tt.key) {
				t.Errorf("New: err = %q, want it to name %s", err, tt.key)
			}
		})
	}
	if _, err := New(nil); !errors.Is(err, ErrInvalidRule) {
		t.Errorf("New(nil): err = %v, want ErrInvalidRule", err)
	}
}

func TestNewTriageUnit(t *testing.T) {
	t.Parallel()
	if got := newTestRouter(t).TriageUnit(); got != DefaultTriageUnit {
		t.Errorf("TriageUnit() = %q, want the default %q", got, DefaultTriageUnit)
	}
	cfg := testConfig()
	cfg.Dispatch.TriageUnit = "student_affairs"
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.TriageUnit(); got != "student_affairs" {
		t.Errorf("TriageUnit() = %q, want student_affairs", got)
	}
	if got := r.Route("转专业怎么申请").Reasons[0].Detail; !strings.Contains(got, "student_affairs") {
		t.Errorf("unmatched reason %q does not name the triage unit", got)
	}
}

// Without units in the configuration there is nothing to check unit ids
// against, so a minimal configuration still builds a router.
func TestNewWithoutUnits(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Units = nil
	cfg.Dispatch.TriageUnit = "anyone"
	if _, err := New(cfg); err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := New(&config.Config{}); err != nil {
		t.Fatalf("New(empty config): %v", err)
	}
}

func TestEmptyConfigRoutesEverythingToTriage(t *testing.T) {
	t.Parallel()
	r, err := New(&config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	got := r.Route("宿舍停电了")
	if got.Matched || got.LeadUnit != "" || got.Tier != "general" || len(got.Reasons) != 1 || got.Reasons[0].Rule != RuleUnmatched {
		t.Errorf("Route = %+v, want unmatched general with one reason", got)
	}
}
