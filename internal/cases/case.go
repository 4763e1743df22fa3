package cases

import "time"

// Case is one complaint from intake to close (诉求件). The store keeps it as a
// projection of its events; the zero time means "not yet".
type Case struct {
	ID          int64
	Number      string // JS20261128-0042
	Channel     Channel
	ChannelRef  string // MsgId, 12345 work-order number, letter number…
	Complainant Complainant
	Content     string
	Place       string // building, dormitory, canteen… as routing found it
	Category    string
	Tier        Tier
	State       State
	// TierRaisedFrom is the tier the case had before its text made it
	// urgent (empty: its text did not); TierEvidence are the words that
	// did. The unit's notice shows them, and change_tier without a tier
	// goes back to TierRaisedFrom: the office's one-tap downgrade.
	TierRaisedFrom Tier
	TierEvidence   []string

	LeadUnit     string // 承办单位 (首接单位); empty while in the triage queue
	FirstHandler string // 首问责任人: the member who accepted
	CoUnits      []Assignment
	RouteReasons []string // why routing chose category, tier and unit

	RegisteredAt time.Time
	DispatchedAt time.Time
	AcceptedAt   time.Time
	ContactedAt  time.Time
	ResolvedAt   time.Time
	FeedbackAt   time.Time
	RatedAt      time.Time
	ClosedAt     time.Time
	UpdatedAt    time.Time

	ContactBy time.Time // 响应时限, from dispatch
	ResolveBy time.Time // 办结时限, from dispatch, moved by an approved extension

	Extension *Extension // the latest extension request, if any
	Result    string     // what the unit did (办理结果)
	Report    string     // written report for 12345 / mailbox / petition cases
	Rating    Rating     // latest satisfaction rating, empty if none
	Reopens   int        // how many times the case came back unsatisfied

	MergedInto int64 // the primary case's id when merged

	Confidential    bool // 来电信息保密: contact shown to none but the office and its hotline
	AccusesOfficial bool // names a cadre or official: the discipline office sees it
	Exclusion       *Exclusion

	Version int // optimistic lock: bumped on every transition
}

// Complainant is who raised the case. Name and contact are sealed (encrypted
// by the service before they reach the case); only masked forms are plain.
type Complainant struct {
	Identity      string // platform identity (WeChat openid) for "my cases"; empty for phone callers
	NameSealed    string
	ContactSealed string
	// ContactIndex finds the cases of one phone number without opening
	// any (secret.PhoneIndex); "" when the contact is not a phone number.
	ContactIndex  string
	NameMasked    string // 张*
	ContactMasked string // 138****1234
	NoContact     bool   // no way to reach them (匿名 / 来电信息保密)
}

// Assignment is a co-unit's share of a case (协办).
type Assignment struct {
	Unit       string
	State      AssignmentState
	AcceptedBy string
	AcceptedAt time.Time
	Report     string
	ReportedAt time.Time
	DueBy      time.Time // the co-unit reports to the lead unit by then
}

// AssignmentState is where a co-unit's share stands.
type AssignmentState string

const (
	AssignmentDispatched AssignmentState = "dispatched"
	AssignmentAccepted   AssignmentState = "accepted"
	AssignmentReported   AssignmentState = "reported"
)

// Extension is a request to move the resolve-by time (延期).
type Extension struct {
	Until       time.Time
	Reason      string
	RequestedBy string
	RequestedAt time.Time
	Status      ExtensionStatus
	DecidedBy   string
	DecidedAt   time.Time
	Note        string
}

// ExtensionStatus is the school office's decision on an extension.
type ExtensionStatus string

const (
	ExtensionPending  ExtensionStatus = "pending"
	ExtensionApproved ExtensionStatus = "approved"
	ExtensionRejected ExtensionStatus = "rejected"
)

// Exclusion takes a case out of the monthly assessment, with the policy's
// reason and the person who approved it.
type Exclusion struct {
	Reason     ExclusionReason
	Note       string
	ApprovedBy string
	At         time.Time
}

// Overdue reports whether the case missed its resolve-by time at now. A case
// resolved late stays late: overdue is a fact of the clock, not a state.
func (c Case) Overdue(now time.Time) bool {
	if c.ResolveBy.IsZero() {
		return false
	}
	if !c.ResolvedAt.IsZero() && c.State != StateReopened {
		return c.ResolvedAt.After(c.ResolveBy)
	}
	return now.After(c.ResolveBy)
}

// CoUnit returns the assignment of unit, if it is a co-unit of the case.
func (c Case) CoUnit(unit string) (Assignment, int, bool) {
	for i, a := range c.CoUnits {
		if a.Unit == unit {
			return a, i, true
		}
	}
	return Assignment{}, -1, false
}

// Event is one append-only line of a case's history.
type Event struct {
	CaseID    int64
	Kind      string // the action, e.g. "accept"
	Actor     string // member id, or "system"
	ActorUnit string
	At        time.Time
	From      State
	To        State
	Note      string
	Data      map[string]any
}

// Message is an outbound message the transition asks for. It is written to
// the outbox in the transition's transaction and rendered from its template
// by the platform that delivers it.
type Message struct {
	Template Template
	To       Recipient
	Data     map[string]string
	// Delay holds the message back this long after the transition (the
	// satisfaction survey waits a day after feedback).
	Delay time.Duration
	// OnlyWhile, if set, drops the message at delivery when the case has
	// left this state meanwhile (no survey for a case already rated), or
	// the clock's states for WhileOnClock (State.Holds).
	OnlyWhile State
}

// RecipientKind says who a message is for, independent of the platform.
type RecipientKind string

const (
	ToComplainant RecipientKind = "complainant" // through the channel the case came in
	ToUnit        RecipientKind = "unit"        // the unit's group chat
	ToMember      RecipientKind = "member"      // one member, privately
	ToRole        RecipientKind = "role"        // every member holding a role (e.g. school_office)
)

// Recipient is the target of a message.
type Recipient struct {
	Kind RecipientKind
	ID   string // unit id, member id or role; empty for the complainant
}
