package cases

import "time"

// ContactState is where a chat complainant stands on giving a phone: the
// first case asks once, and the answer (or its absence) holds for later
// cases.
type ContactState string

const (
	ContactNeverAsked ContactState = ""
	ContactAsked      ContactState = "asked"      // the receipt asked; no answer yet
	ContactBound      ContactState = "bound"      // a valid mobile was given
	ContactAnonymous  ContactState = "anonymous"  // 匿名
	ContactUnanswered ContactState = "unanswered" // the question lapsed
)

// ChatComplainant is what jiesu keeps about a person who writes through a
// chat channel, beside their cases (Complainant is the person as one case
// records them). The phone is sealed by the service.
type ChatComplainant struct {
	Channel       Channel
	Identity      string
	ContactSealed string
	ContactMasked string
	ContactState  ContactState
	AskedAt       time.Time
	// SupplementUntil: a bare 补充 makes the next message, until then, an
	// addition to the open case.
	SupplementUntil time.Time
	// LastMessageAt is the person's latest message: it opens the
	// platform's window for free-form replies (WeChat: 48 hours).
	LastMessageAt time.Time
	UpdatedAt     time.Time
	// HasOpenCase says, as of the store's TouchComplainant (the only call
	// that fills it), whether a case of theirs is still with a unit: most
	// messages come from people with none, who then need no look for one.
	HasOpenCase bool
}
