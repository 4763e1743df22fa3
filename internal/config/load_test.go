package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jiesu/jiesu/configs"
)

func TestLoadEmbeddedExample(t *testing.T) {
	t.Parallel()
	c := example(t)
	if err := c.Validate(); err != nil {
		t.Fatalf("example has problems:\n%v", err)
	}
	for _, id := range []string{"school_office", "publicity", "discipline", "staff_affairs", "student_affairs",
		"graduate_affairs", "logistics", "dormitory", "security", "network", "academic_affairs", "finance"} {
		if _, ok := c.Unit(id); !ok {
			t.Errorf("example lacks unit %s", id)
		}
	}
	if len(c.Categories) < 10 || len(c.Routing.UrgentWords) == 0 || len(c.Routing.Places) == 0 {
		t.Errorf("example is thin: %d categories, %d urgent words, %d places",
			len(c.Categories), len(c.Routing.UrgentWords), len(c.Routing.Places))
	}
}

// The example documents the built-in chains; the two must not drift apart.
func TestExampleEscalationIsTheDefault(t *testing.T) {
	t.Parallel()
	c := example(t)
	def := DefaultEscalation()
	for _, chain := range [][]EscalationStep{def.Urgent, def.Essential, def.General} {
		for i := range chain {
			chain[i].Template = DefaultEscalationTemplate
		}
	}
	if d := cmp.Diff(def, c.Escalation); d != "" {
		t.Errorf("example escalation differs from DefaultEscalation (-default +example):\n%s", d)
	}
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "jiesu.yaml")
	if err := os.WriteFile(path, configs.Example, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Listen != ":8080" {
		t.Errorf("listen = %q", c.Server.Listen)
	}
	_, err = Load(filepath.Join(t.TempDir(), "missing.yaml"), noEnv)
	wantErr(t, err, "missing.yaml")
}

func TestLoadRefusesInvalid(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("log: {level: loud}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, noEnv)
	if c != nil {
		t.Error("Load returned a config with problems")
	}
	wantErr(t, err, path, "log.level", "dispatch.triage_unit")
}

func TestParseStrict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown key in a list item", "units:\n  - {id: a, name: A}\n  - {id: b, name: B}\n  - id: c\n    nmae: C\n",
			[]string{"units[2].nmae: unknown key (line 5)"}},
		{"unknown top-level key", "sever: {listen: ':1'}\n", []string{"sever: unknown key"}},
		{"unknown nested key", "tiers:\n  urgent: {resolve: 2h}\n", []string{"tiers.urgent.resolve: unknown key"}},
		{"every unknown key at once", "server: {lisen: x}\nlog: {lvl: x}\n", []string{"server.lisen", "log.lvl"}},
		{"not a number", "outbox: {batch: ten}\n", []string{`outbox.batch: "ten" is not a whole number`}},
		{"not a duration", "tiers: {urgent: {resolve_within: 2}}\n", []string{"tiers.urgent.resolve_within", "not a duration"}},
		{"not a bool", "dispatch: {auto: maybe}\n", []string{"dispatch.auto", "true or false"}},
		{"mapping wanted", "server: 5\n", []string{"server: want a mapping"}},
		{"list wanted", "units: {id: a}\n", []string{"units: want a list"}},
		{"scalar wanted", "members:\n  - id: [a, b]\n", []string{"members[0].id: want a single value"}},
		{"key twice", "log:\n  level: info\n  level: debug\n", []string{"log.level: key given twice"}},
		{"syntax", "server: [\n", []string{"yaml"}},
		{"secret not echoed", "database: {url: [s3cret]}\n", []string{"database.url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := parse([]byte(tt.yaml), noEnv)
			wantErr(t, err, tt.want...)
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows a secret: %v", err)
			}
		})
	}
}

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	c, _, err := parse(nil, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Listen != DefaultListen || c.Server.MetricsListen != DefaultMetricsListen || c.Server.DataDir != DefaultDataDir || c.Server.BaseURL != DefaultBaseURL ||
		c.Server.MaxBodyBytes != DefaultMaxBodyBytes || c.Database.MaxConns != DefaultDBMaxConns ||
		c.Log.Level != DefaultLogLevel || c.Log.Format != DefaultLogFormat || c.Dispatch.TriageUnit != DefaultTriageUnit ||
		c.Outbox.Batch != DefaultOutboxBatch || c.Outbox.MaxBackoff != DefaultOutboxMaxWait || c.Outbox.Lease != DefaultOutboxLease {
		t.Errorf("defaults not applied: %+v", c)
	}
	if !c.AutoDispatch() || c.Dispatch.Auto == nil {
		t.Error("dispatch.auto does not default to true")
	}
	if c.Tiers.General.ResolveWithin != 120*time.Hour || c.Tiers.Urgent.ContactWithin != 30*time.Minute ||
		c.Tiers.Essential.Label != DefaultEssentialLabel {
		t.Errorf("tier defaults: %+v", c.Tiers)
	}
	if len(c.Escalation.Urgent) != len(DefaultEscalation().Urgent) || c.Escalation.Urgent[0].Template != DefaultEscalationTemplate {
		t.Errorf("escalation defaults: %+v", c.Escalation.Urgent)
	}
}

func TestParseKeepsGivenValues(t *testing.T) {
	t.Parallel()
	c, _, err := parse([]byte(`
dispatch: {auto: false}
units:
  - &u {id: a, name: A}
  - {<<: *u, id: b}
escalation:
  general: []
  urgent:
    - {at: "50%", if: not_resolved, notify: [unit_head], template: urgent_nudge}
`), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.AutoDispatch() {
		t.Error("dispatch.auto: false was overwritten by the default")
	}
	if c.Units[1].Name != "A" || c.Units[1].Chat.Platform != DefaultChatPlatform {
		t.Errorf("merge key or platform default: %+v", c.Units[1])
	}
	if c.Escalation.General == nil || len(c.Escalation.General) != 0 {
		t.Errorf("general: [] should stay empty, got %+v", c.Escalation.General)
	}
	if len(c.Escalation.Urgent) != 1 || c.Escalation.Urgent[0].Template != "urgent_nudge" {
		t.Errorf("urgent chain: %+v", c.Escalation.Urgent)
	}
	if len(c.Escalation.Essential) == 0 {
		t.Error("absent essential chain did not get the default")
	}
}
