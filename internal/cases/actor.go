package cases

import "slices"

// Role is what a member may do. A member holds one or more roles in one unit.
type Role string

const (
	RoleAdmin        Role = "admin"         // everything, including configuration-level actions
	RoleSchoolOffice Role = "school_office" // 学校办公室: dispatch, approve extensions, merge, exclude, close
	RoleOperator     Role = "operator"      // hotline staff: register cases, phone follow-up, record ratings
	RoleHandler      Role = "handler"       // unit staff: accept, contact, resolve, return, ask for extension
	RoleUnitHead     Role = "unit_head"     // a unit's head: what handlers do, and receives escalations
	RoleLeader       Role = "leader"        // school leaders: read everything, receive escalations
	RoleSupervisor   Role = "supervisor"    // discipline office: read everything, supervision
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleSchoolOffice, RoleOperator, RoleHandler, RoleUnitHead, RoleLeader, RoleSupervisor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return slices.Contains(Roles, r)
}

// Actor is who performs an action: a configured member or the system itself
// (a chat channel acting for a complainant, a sweep).
type Actor struct {
	MemberID string
	Name     string
	Unit     string
	Roles    []Role
	System   bool
}

// SystemActor is the service acting on its own or for a complainant who
// spoke through a chat channel.
func SystemActor() Actor { return Actor{MemberID: "system", System: true} }

// Has reports whether the actor holds any of roles.
func (a Actor) Has(roles ...Role) bool {
	for _, have := range a.Roles {
		for _, want := range roles {
			if have == want {
				return true
			}
		}
	}
	return false
}

// Office reports whether the actor can act for the school office.
func (a Actor) Office() bool { return a.Has(RoleAdmin, RoleSchoolOffice) }

// unitStaff reports whether the actor works cases for unit.
func (a Actor) unitStaff(unit string) bool {
	return unit != "" && a.Unit == unit && a.Has(RoleHandler, RoleUnitHead)
}

// ReadsAll reports whether the actor may read every case, not just its
// unit's.
func (a Actor) ReadsAll() bool {
	return a.System || a.Has(RoleAdmin, RoleSchoolOffice, RoleOperator, RoleLeader, RoleSupervisor)
}

// CanRead reports whether the actor may see the case at all.
func (a Actor) CanRead(c Case) bool {
	if a.ReadsAll() || (a.Unit != "" && a.Unit == c.LeadUnit) {
		return true
	}
	_, _, ok := c.CoUnit(a.Unit)
	return ok && a.Unit != ""
}

// SeesEveryContact reports whether the actor may see any case's
// complainant, confidential or not: the office and its hotline operators.
// They alone may also find cases by the caller's phone, which tells whose
// cases they are as much as a reveal does.
func (a Actor) SeesEveryContact() bool {
	return a.Has(RoleAdmin, RoleSchoolOffice, RoleOperator)
}

// CanReveal reports whether the actor may see the complainant's name and
// contact in full. Confidential cases stay with the office and its hotline
// operators, who took the call and call back with the result; otherwise
// the lead unit may once it has accepted, because it must call the
// complainant.
func (a Actor) CanReveal(c Case) bool {
	if a.SeesEveryContact() {
		return true
	}
	if c.Confidential {
		return false
	}
	return a.unitStaff(c.LeadUnit) && c.FirstHandler != ""
}
