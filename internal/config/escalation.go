package config

import (
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// Conditions of an escalation step (escalation.*[].if).
const (
	IfNotAccepted  = "not_accepted"
	IfNotContacted = "not_contacted"
	IfNotResolved  = "not_resolved"
)

// Targets of an escalation step (escalation.*[].notify); see
// EscalationStep.Notify for whom each one reaches.
const (
	NotifyUnitGroup        = "unit_group"
	NotifyHandler          = "handler"
	NotifyUnitHead         = "unit_head"
	NotifySchoolOffice     = "school_office"
	NotifyVicePresident    = "vice_president"
	NotifyDisciplineOffice = "discipline_office"
	// NotifyMemberPrefix precedes a member id: "member:office-wang".
	NotifyMemberPrefix = "member:"
)

// ConditionHolds reports whether a step's condition (escalation.*[].if)
// holds for a case in state s whose complainant left no contact when
// noContact. It is the one reading of the conditions: the sweep asks it of
// each case, validation of each path a case can stop on. Within one
// dispatch a condition that stopped holding never holds again (acceptance
// and contact are undone only by a return or a reopening, which start a
// new dispatch).
func ConditionHolds(cond string, s cases.State, noContact bool) bool {
	switch cond {
	case IfNotAccepted:
		return s == cases.StateDispatched || s == cases.StateReopened
	case IfNotContacted:
		// Nobody can call a complainant who left no contact: chasing the
		// unit for it would be noise.
		return !noContact && (s == cases.StateDispatched || s == cases.StateAccepted || s == cases.StateReopened)
	case IfNotResolved:
		return s.OnClock()
	}
	return false
}

func knownCondition(s string) bool {
	return s == IfNotAccepted || s == IfNotContacted || s == IfNotResolved
}

func knownTarget(s string) bool {
	switch s {
	case NotifyUnitGroup, NotifyHandler, NotifyUnitHead, NotifySchoolOffice,
		NotifyVicePresident, NotifyDisciplineOffice:
		return true
	}
	return false
}

// NotifyMember returns the member id of a member:<id> target.
func NotifyMember(target string) (string, bool) {
	return strings.CutPrefix(target, NotifyMemberPrefix)
}

// DefaultEscalation is the chain a tier gets when the file does not give
// one. It follows the policy's order: the unit, its head, the school
// office, the leader in charge, and the discipline office once overdue.
// The school office hears of a case nobody accepted from a not_accepted
// step of its own: the contact_by step does not fire for a complainant
// who left no contact, and validation refuses a chain where that is the
// only way to the office.
func DefaultEscalation() Escalation {
	// A fresh list per step, so that editing one step never edits another.
	unit := func() []string { return []string{NotifyUnitGroup, NotifyUnitHead} }
	office := func() []string { return []string{NotifyUnitHead, NotifySchoolOffice} }
	return Escalation{
		Urgent: []EscalationStep{
			{At: "dispatch+10m", If: IfNotAccepted, Notify: unit()},
			{At: "dispatch+20m", If: IfNotAccepted, Notify: office()},
			{At: "contact_by", If: IfNotContacted, Notify: office()},
			{At: "80%", If: IfNotResolved, Notify: []string{NotifyUnitHead}},
			{At: "resolve_by", If: IfNotResolved, Notify: []string{NotifyVicePresident, NotifyDisciplineOffice}},
		},
		Essential: []EscalationStep{
			{At: "dispatch+30m", If: IfNotAccepted, Notify: unit()},
			{At: "dispatch+1h", If: IfNotAccepted, Notify: office()},
			{At: "contact_by", If: IfNotContacted, Notify: office()},
			{At: "75%", If: IfNotResolved, Notify: []string{NotifyHandler, NotifyUnitHead}},
			{At: "resolve_by", If: IfNotResolved, Notify: []string{NotifySchoolOffice, NotifyVicePresident}},
			{At: "resolve_by+24h", If: IfNotResolved, Notify: []string{NotifyDisciplineOffice}},
		},
		General: []EscalationStep{
			{At: "dispatch+4h", If: IfNotAccepted, Notify: unit()},
			{At: "dispatch+12h", If: IfNotAccepted, Notify: office()},
			{At: "contact_by", If: IfNotContacted, Notify: office()},
			{At: "resolve_by-24h", If: IfNotResolved, Notify: []string{NotifyHandler, NotifyUnitHead}},
			{At: "resolve_by", If: IfNotResolved, Notify: []string{NotifySchoolOffice, NotifyVicePresident}},
			{At: "resolve_by+48h", If: IfNotResolved, Notify: []string{NotifyDisciplineOffice}},
		},
	}
}
