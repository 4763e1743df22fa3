package config

import (
	"slices"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// stop is where a case can stay on the clock for good: nobody accepts it,
// nobody calls the complainant, or nobody resolves it. Each is a path the
// escalation chain of every tier must cover.
type stop struct {
	name  string
	state cases.State
}

// stops are the three places a case can stop, in the order it passes them.
var stops = []stop{
	{"never accepted", cases.StateDispatched},
	{"accepted but not contacted", cases.StateAccepted},
	{"contacted but not resolved", cases.StateContacted},
}

// reachable reports whether a case whose complainant left no contact (when
// noContact) can stop there: such a case cannot be contacted.
func (s stop) reachable(noContact bool) bool {
	return !(noContact && s.state == cases.StateContacted)
}

// aboveUnit reports whether a target is someone above the case's unit:
// escalation (督办) is a push to them, not to the unit itself.
func aboveUnit(target Target) bool {
	return target != NotifyUnitGroup && target != NotifyHandler
}

// reaches reports the targets the chain's steps tell on a case that
// stops at s, its complainant with or without contact: the notify lists
// of every step whose condition holds there, each target once.
func reaches(chain []EscalationStep, s stop, noContact bool) []Target {
	var out []Target
	for _, step := range chain {
		if !step.If.Holds(s.state, noContact) {
			continue
		}
		for _, t := range step.Notify {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// validateReach refuses a chain that can leave a case unescalated: on every
// tier, whatever the complainant's contact, a case nobody accepts must
// reach the school office, and a case stopped anywhere else must reach
// someone above its unit. A step's condition decides whether it fires on
// a path, so a not_contacted step alone never covers a complainant who
// left no contact.
func (c *Config) validateReach(ps *problems) {
	for _, t := range cases.Tiers {
		key := "escalation." + string(t)
		chain := c.Steps(t)
		for _, s := range stops {
			var missed []string
			for _, noContact := range []bool{false, true} {
				if !s.reachable(noContact) {
					continue
				}
				got := reaches(chain, s, noContact)
				ok := slices.ContainsFunc(got, aboveUnit)
				if s.state == cases.StateDispatched {
					ok = slices.Contains(got, NotifySchoolOffice)
				}
				if !ok {
					missed = append(missed, map[bool]string{false: "with contact", true: "without contact"}[noContact])
				}
			}
			if len(missed) == 0 {
				continue
			}
			if s.state == cases.StateDispatched {
				ps.add(key, "a case %s (complainant %s) never reaches the school office; add a step with if: not_accepted that notifies school_office",
					s.name, strings.Join(missed, ", "))
				continue
			}
			ps.add(key, "a case %s (complainant %s) is never escalated above its unit; add a step whose if holds there that notifies unit_head, school_office, vice_president, discipline_office or a member",
				s.name, strings.Join(missed, ", "))
		}
	}
}
