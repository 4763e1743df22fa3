package cases

import (
	"strings"
	"time"
)

// ActionBindContact is recorded when a complainant who came in through a
// chat channel gives a phone number after the case was registered (the
// receipt asks for one). It is not a Command: no person chooses it, and it
// moves no state, so it stays out of Apply and its state table.
const ActionBindContact Action = "bind_contact"

// BindContact gives a case that has no contact the complainant's phone,
// sealed, masked and indexed (secret.PhoneIndex) by the caller, so the
// lead unit can call them and the office find it by the phone. It is
// refused for a final case, for one that already has a contact, and for
// one excluded from assessment: that exclusion was the complainant's
// choice (匿名) or the consequence of their silence, and stands.
func BindContact(c Case, actor Actor, sealed, masked, index string, now time.Time) (Outcome, error) {
	if !actor.System && !actor.Office() && !actor.Has(RoleOperator) {
		return Outcome{}, forbidden(ActionBindContact, actor, "only the complainant (through the channel or the hotline) can give a contact")
	}
	if strings.TrimSpace(sealed) == "" {
		return Outcome{}, invalid("contact", "is required")
	}
	if c.State.Final() {
		return Outcome{}, illegal(ActionBindContact, c.State, "the case is finished")
	}
	if !c.Complainant.NoContact {
		return Outcome{}, illegal(ActionBindContact, c.State, "the case already has a contact")
	}
	if c.Exclusion != nil {
		return Outcome{}, illegal(ActionBindContact, c.State, "the case is excluded as "+string(c.Exclusion.Reason))
	}
	c.Complainant.ContactSealed = sealed
	c.Complainant.ContactMasked = masked
	c.Complainant.ContactIndex = index
	c.Complainant.NoContact = false
	c.UpdatedAt = now
	c.Version++
	// The event says that a contact came, never which: the timeline is read
	// by people who may not see it.
	ev := Event{CaseID: c.ID, Kind: string(ActionBindContact), Actor: actor.MemberID, ActorUnit: actor.Unit,
		At: now, From: c.State, To: c.State}
	return Outcome{Case: c, Events: []Event{ev}}, nil
}
