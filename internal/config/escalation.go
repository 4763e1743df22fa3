package config

// DefaultEscalation is the chain a tier gets when the file does not give
// one. It follows the policy's order: the unit, its head, the school
// office, the leader in charge, and the discipline office once overdue.
// The school office hears of a case nobody accepted from a not_accepted
// step of its own: the contact_by step does not fire for a complainant
// who left no contact, and validation refuses a chain where that is the
// only way to the office.
func DefaultEscalation() Escalation {
	// A fresh list per step, so that editing one step never edits another.
	unit := func() []Target { return []Target{NotifyUnitGroup, NotifyUnitHead} }
	office := func() []Target { return []Target{NotifyUnitHead, NotifySchoolOffice} }
	return Escalation{
		Urgent: []EscalationStep{
			{At: "dispatch+10m", If: IfNotAccepted, Notify: unit()},
			{At: "dispatch+20m", If: IfNotAccepted, Notify: office()},
			{At: "contact_by", If: IfNotContacted, Notify: office()},
			{At: "80%", If: IfNotResolved, Notify: []Target{NotifyUnitHead}},
			{At: "resolve_by", If: IfNotResolved, Notify: []Target{NotifyVicePresident, NotifyDisciplineOffice}},
		},
		Essential: []EscalationStep{
			{At: "dispatch+30m", If: IfNotAccepted, Notify: unit()},
			{At: "dispatch+1h", If: IfNotAccepted, Notify: office()},
			{At: "contact_by", If: IfNotContacted, Notify: office()},
			{At: "75%", If: IfNotResolved, Notify: []Target{NotifyHandler, NotifyUnitHead}},
			{At: "resolve_by", If: IfNotResolved, Notify: []Target{NotifySchoolOffice, NotifyVicePresident}},
			{At: "resolve_by+24h", If: IfNotResolved, Notify: []Target{NotifyDisciplineOffice}},
		},
		General: []EscalationStep{
			{At: "dispatch+4h", If: IfNotAccepted, Notify: unit()},
			{At: "dispatch+12h", If: IfNotAccepted, Notify: office()},
			{At: "contact_by", If: IfNotContacted, Notify: office()},
			{At: "resolve_by-24h", If: IfNotResolved, Notify: []Target{NotifyHandler, NotifyUnitHead}},
			{At: "resolve_by", If: IfNotResolved, Notify: []Target{NotifySchoolOffice, NotifyVicePresident}},
			{At: "resolve_by+48h", If: IfNotResolved, Notify: []Target{NotifyDisciplineOffice}},
		},
	}
}
