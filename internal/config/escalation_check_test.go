package config

import "testing"

func TestValidateChains(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		break_ func(c *Config)
		want   string
	}{
		{"two steps that are one", func(c *Config) {
			c.Escalation.Urgent = append(c.Escalation.Urgent, EscalationStep{At: "80 %", If: IfNotResolved, Notify: []Target{NotifySchoolOffice}})
		}, `escalation.urgent[5]: same at (80 %) and if (not_resolved) as escalation.urgent[3]`},
		{"the handler of a case nobody accepted", func(c *Config) {
			c.Escalation.Essential[0].Notify = []Target{NotifyUnitGroup, NotifyHandler}
		}, `escalation.essential[0].notify[1]: handler names nobody when the case is not accepted`},
		{"a target twice", func(c *Config) {
			c.Escalation.General[1].Notify = []Target{NotifyUnitHead, NotifySchoolOffice, NotifyUnitHead}
		}, `escalation.general[1].notify[2]: "unit_head" given twice`},
		{"sweeping faster than cron", func(c *Config) { c.SLA.SweepInterval = 500_000_000 },
			`sla.sweep_interval: 500ms: want 1s to 10m: cron runs nothing more often than once a second`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := example(t)
			tt.break_(c)
			wantErr(t, c.Validate(), tt.want)
		})
	}
}

// The same at and if in two tiers are two steps; the handler of a case
// that is accepted but not contacted is someone.
func TestValidateChainsAcceptsDistinctSteps(t *testing.T) {
	t.Parallel()
	c := example(t)
	c.Escalation.General = append(c.Escalation.General, EscalationStep{At: "80%", If: IfNotResolved, Notify: []Target{NotifyHandler}})
	c.Escalation.Essential[2].Notify = []Target{NotifyHandler, NotifyUnitHead}
	if err := c.Validate(); err != nil {
		t.Errorf("unexpected problems:\n%v", err)
	}
}
