package config

import (
	"fmt"
	"strings"
	"testing"
)

// A chain that can leave a case unescalated is refused, with the tier, the
// path and the contact state it misses.
func TestValidateReachRefusesAGap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(c *Config)
		want []string
	}{
		// The chain before the office had a step of its own: contact_by was
		// its only way to the office, and it skips a case without contact.
		{"office only through contact_by", func(c *Config) {
			c.Escalation.Urgent = append(c.Escalation.Urgent[:1:1], c.Escalation.Urgent[2:]...)
		}, []string{"escalation.urgent: a case never accepted (complainant without contact) never reaches the school office"}},
		{"office not at all", func(c *Config) {
			c.Escalation.General = []EscalationStep{
				{At: "dispatch+4h", If: IfNotAccepted, Notify: []Target{NotifyUnitGroup, NotifyUnitHead}},
				{At: "resolve_by", If: IfNotResolved, Notify: []Target{NotifyVicePresident}},
			}
		}, []string{"escalation.general: a case never accepted (complainant with contact, without contact) never reaches the school office"}},
		{"no chain", func(c *Config) { c.Escalation.Essential = []EscalationStep{} }, []string{
			"escalation.essential: a case never accepted (complainant with contact, without contact) never reaches the school office",
			"escalation.essential: a case accepted but not contacted (complainant with contact, without contact) is never escalated above its unit",
			"escalation.essential: a case contacted but not resolved (complainant with contact) is never escalated above its unit",
		}},
		{"only the unit once accepted", func(c *Config) {
			c.Escalation.Urgent = []EscalationStep{
				{At: "dispatch+10m", If: IfNotAccepted, Notify: []Target{NotifySchoolOffice}},
				{At: "contact_by", If: IfNotContacted, Notify: []Target{NotifyUnitHead}},
				{At: "80%", If: IfNotResolved, Notify: []Target{NotifyHandler, NotifyUnitGroup}},
			}
		}, []string{"escalation.urgent: a case accepted but not contacted (complainant without contact) is never escalated above its unit",
			"escalation.urgent: a case contacted but not resolved (complainant with contact) is never escalated above its unit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := example(t)
			tt.edit(c)
			err := c.Validate()
			wantErr(t, err, tt.want...)
			if n := strings.Count(err.Error(), "escalation."); n != len(tt.want) {
				t.Errorf("%d problems about escalation, want %d:\n%v", n, len(tt.want), err)
			}
		})
	}
}

// Every tier × contact state × stop of the built-in chains: a case nobody
// accepts reaches the school office, any other reaches someone above its
// unit.
func TestDefaultChainsReachEveryPath(t *testing.T) {
	t.Parallel()
	c := example(t)
	def := DefaultEscalation()
	for tier, chain := range map[string][]EscalationStep{"urgent": def.Urgent, "essential": def.Essential, "general": def.General} {
		for _, s := range stops {
			for _, noContact := range []bool{false, true} {
				if !s.reachable(noContact) {
					continue
				}
				got := fmt.Sprint(reaches(chain, s, noContact))
				want := NotifyUnitHead
				if s.name == "never accepted" {
					want = NotifySchoolOffice
				}
				if !strings.Contains(got, string(want)) {
					t.Errorf("%s, %s, no contact %v: reaches %q, want %s", tier, s.name, noContact, got, want)
				}
			}
		}
	}
	if err := c.Validate(); err != nil {
		t.Errorf("example refused: %v", err)
	}
}
