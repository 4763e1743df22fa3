package config

import (
	"slices"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// Condition is what an escalation step waits for (escalation.*[].if).
// Validation refuses any value but the three below, so code past loading
// meets only those.
type Condition string

// Conditions of an escalation step.
const (
	IfNotAccepted  Condition = "not_accepted"
	IfNotContacted Condition = "not_contacted"
	IfNotResolved  Condition = "not_resolved"
)

// Known reports whether c is one of the conditions.
func (c Condition) Known() bool {
	return c == IfNotAccepted || c == IfNotContacted || c == IfNotResolved
}

// Holds reports whether c holds for a case in state s whose complainant
// left no contact when noContact. It is the one reading of the
// conditions: the sweep asks it of each case, validation of each path a
// case can stop on. Within one dispatch a condition that stopped holding
// never holds again (acceptance and contact are undone only by a return
// or a reopening, which start a new dispatch).
func (c Condition) Holds(s cases.State, noContact bool) bool {
	switch c {
	case IfNotAccepted:
		return slices.Contains(cases.AwaitingAcceptance, s)
	case IfNotContacted:
		// Nobody can call a complainant who left no contact: chasing the
		// unit for it would be noise.
		return !noContact && (s == cases.StateDispatched || s == cases.StateAccepted || s == cases.StateReopened)
	case IfNotResolved:
		return s.OnClock()
	}
	return false
}

// Target is whom an escalation step tells (escalation.*[].notify): one of
// the names below or member:<id>; see EscalationStep.Notify for whom each
// one reaches. Validation refuses any other.
type Target string

// Targets of an escalation step.
const (
	NotifyUnitGroup        Target = "unit_group"
	NotifyHandler          Target = "handler"
	NotifyUnitHead         Target = "unit_head"
	NotifySchoolOffice     Target = "school_office"
	NotifyVicePresident    Target = "vice_president"
	NotifyDisciplineOffice Target = "discipline_office"
	// NotifyMemberPrefix precedes a member id: "member:office-wang".
	NotifyMemberPrefix = "member:"
)

// Known reports whether t is one of the named targets (not member:<id>).
func (t Target) Known() bool {
	switch t {
	case NotifyUnitGroup, NotifyHandler, NotifyUnitHead, NotifySchoolOffice,
		NotifyVicePresident, NotifyDisciplineOffice:
		return true
	}
	return false
}

// Member returns the member id of a member:<id> target.
func (t Target) Member() (string, bool) {
	return strings.CutPrefix(string(t), NotifyMemberPrefix)
}
