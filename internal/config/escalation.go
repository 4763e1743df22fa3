package config

import "strings"

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
func DefaultEscalation() Escalation {
	// A fresh list per step, so that editing one step never edits another.
	unit := func() []string { return []string{NotifyUnitGroup, NotifyUnitHead} }
	return Escalation{
		Urgent: []EscalationStep{
			{At: "dispatch+10m", If: IfNotAccepted, Notify: unit()},
			{At: "contact_by", If: IfNotContacted, Notify: []string{NotifyUnitHead, NotifySchoolOffice}},
			{At: "80%", If: IfNotResolved, Notify: []string{NotifyUnitHead}},
			{At: "resolve_by", If: IfNotResolved, Notify: []string{NotifyVicePresident, NotifyDisciplineOffice}},
		},
		Essential: []EscalationStep{
			{At: "dispatch+30m", If: IfNotAccepted, Notify: unit()},
			{At: "contact_by", If: IfNotContacted, Notify: []string{NotifyUnitHead, NotifySchoolOffice}},
			{At: "75%", If: IfNotResolved, Notify: []string{NotifyHandler, NotifyUnitHead}},
			{At: "resolve_by", If: IfNotResolved, Notify: []string{NotifySchoolOffice, NotifyVicePresident}},
			{At: "resolve_by+24h", If: IfNotResolved, Notify: []string{NotifyDisciplineOffice}},
		},
		General: []EscalationStep{
			{At: "dispatch+4h", If: IfNotAccepted, Notify: unit()},
			{At: "contact_by", If: IfNotContacted, Notify: []string{NotifyUnitHead, NotifySchoolOffice}},
			{At: "resolve_by-24h", If: IfNotResolved, Notify: []string{NotifyHandler, NotifyUnitHead}},
			{At: "resolve_by", If: IfNotResolved, Notify: []string{NotifySchoolOffice, NotifyVicePresident}},
			{At: "resolve_by+48h", If: IfNotResolved, Notify: []string{NotifyDisciplineOffice}},
		},
	}
}
