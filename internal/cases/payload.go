package cases

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Payload is the data of one kind of event, a struct per kind: the
// domain's below, those of the events recorded around it beside their
// recorders (internal/service, internal/sla). Its json names are the keys
// of the event's data as stored and as the API shows it (fields in the
// order of their names, as encoding/json writes a map's keys); a field
// tagged omitempty or omitzero is a key written only when it has a value.
// The field types are those the events always held, so an event's Data
// reads as it did.
type Payload interface {
	// EventPayload marks the payload types.
	EventPayload()
}

// ErrNoPayload is an event that carries no payload of the domain's.
var ErrNoPayload = errors.New("no payload")

// RegisterPayload is the data of register.
type RegisterPayload struct {
	Category       string   `json:"category"`
	Channel        string   `json:"channel"`
	Reasons        []string `json:"reasons"`
	Tier           string   `json:"tier"`
	TierEvidence   []string `json:"tier_evidence,omitempty"`
	TierRaisedFrom string   `json:"tier_raised_from,omitempty"`
}

// DispatchPayload is the data of dispatch: the unit, the tier and the
// deadlines it set, the co-units, and the unit it had before a re-dispatch.
type DispatchPayload struct {
	CoUnits      []string  `json:"co_units,omitempty"`
	ContactBy    time.Time `json:"contact_by"`
	LeadUnit     string    `json:"lead_unit"`
	PreviousUnit string    `json:"previous_unit,omitempty"`
	ResolveBy    time.Time `json:"resolve_by"`
	Tier         string    `json:"tier"`
}

// AcceptPayload is the data of accept.
type AcceptPayload struct {
	FirstHandler string `json:"first_handler"`
}

// ReturnPayload is the data of return: the unit that sent the case back.
type ReturnPayload struct {
	Reason string `json:"reason"`
	Unit   string `json:"unit"`
}

// ContactPayload is the data of contact.
type ContactPayload struct {
	OnTime bool `json:"on_time"`
}

// ResolvePayload is the data of resolve, with the co-units that had not
// reported.
type ResolvePayload struct {
	OnTime            bool     `json:"on_time"`
	Result            string   `json:"result"`
	UnreportedCoUnits []string `json:"unreported_co_units,omitempty"`
}

// FeedbackPayload is the data of feedback: the channel the result went
// back through, and the written report when one was needed.
type FeedbackPayload struct {
	Report string `json:"report,omitempty"`
	Via    string `json:"via"`
}

// RatePayload is the data of rate; Reopened when the rating sent the case
// back to its unit.
type RatePayload struct {
	Rating   string `json:"rating"`
	Reopened bool   `json:"reopened,omitempty"`
	Score    int    `json:"score"`
}

// ClosePayload is the data of close.
type ClosePayload struct {
	Rated bool `json:"rated"`
}

// MergePayload is the data of merge: the case it joined.
type MergePayload struct {
	Primary   string `json:"primary"`
	PrimaryID int64  `json:"primary_id"`
}

// WithdrawPayload is the data of withdraw.
type WithdrawPayload struct {
	Reason string `json:"reason"`
}

// ExtensionRequestPayload is the data of request_extension.
type ExtensionRequestPayload struct {
	Reason string    `json:"reason"`
	Until  time.Time `json:"until"`
}

// ExtensionDecisionPayload is the data of approve_extension and
// reject_extension; an approval keeps the resolve-by it replaced.
type ExtensionDecisionPayload struct {
	PreviousResolveBy time.Time `json:"previous_resolve_by,omitzero"`
	Until             time.Time `json:"until"`
}

// ExcludePayload is the data of exclude: the exclusion and who approved it.
type ExcludePayload struct {
	ApprovedBy string `json:"approved_by"`
	Reason     string `json:"reason"`
}

// CoAcceptPayload is the data of co_accept.
type CoAcceptPayload struct {
	Unit string `json:"unit"`
}

// CoReportPayload is the data of co_report.
type CoReportPayload struct {
	OnTime bool   `json:"on_time"`
	Report string `json:"report"`
	Unit   string `json:"unit"`
}

// ChangeTierPayload is the data of change_tier: the deadlines are set
// when the case was dispatched already, the evidence when its text had
// raised its tier.
type ChangeTierPayload struct {
	ContactBy    time.Time `json:"contact_by,omitzero"`
	FromTier     string    `json:"from_tier"`
	Reason       string    `json:"reason,omitempty"`
	ResolveBy    time.Time `json:"resolve_by,omitzero"`
	TierEvidence []string  `json:"tier_evidence,omitempty"`
	ToTier       string    `json:"to_tier"`
}

func (RegisterPayload) EventPayload()          {}
func (DispatchPayload) EventPayload()          {}
func (AcceptPayload) EventPayload()            {}
func (ReturnPayload) EventPayload()            {}
func (ContactPayload) EventPayload()           {}
func (ResolvePayload) EventPayload()           {}
func (FeedbackPayload) EventPayload()          {}
func (RatePayload) EventPayload()              {}
func (ClosePayload) EventPayload()             {}
func (MergePayload) EventPayload()             {}
func (WithdrawPayload) EventPayload()          {}
func (ExtensionRequestPayload) EventPayload()  {}
func (ExtensionDecisionPayload) EventPayload() {}
func (ExcludePayload) EventPayload()           {}
func (CoAcceptPayload) EventPayload()          {}
func (CoReportPayload) EventPayload()          {}
func (ChangeTierPayload) EventPayload()        {}

// PayloadOf is a new zero payload of the events of kind (nil for a kind
// whose events carry no data, or that the domain does not record), to
// decode a stored event's data into.
func PayloadOf(kind Action) Payload {
	switch kind {
	case ActionRegister:
		return &RegisterPayload{}
	case ActionDispatch:
		return &DispatchPayload{}
	case ActionAccept:
		return &AcceptPayload{}
	case ActionReturn:
		return &ReturnPayload{}
	case ActionContact:
		return &ContactPayload{}
	case ActionResolve:
		return &ResolvePayload{}
	case ActionFeedback:
		return &FeedbackPayload{}
	case ActionRate:
		return &RatePayload{}
	case ActionClose:
		return &ClosePayload{}
	case ActionMerge:
		return &MergePayload{}
	case ActionWithdraw:
		return &WithdrawPayload{}
	case ActionRequestExtension:
		return &ExtensionRequestPayload{}
	case ActionApproveExtension, ActionRejectExtension:
		return &ExtensionDecisionPayload{}
	case ActionExclude:
		return &ExcludePayload{}
	case ActionCoAccept:
		return &CoAcceptPayload{}
	case ActionCoReport:
		return &CoReportPayload{}
	case ActionChangeTier:
		return &ChangeTierPayload{}
	}
	return nil
}

// Payload decodes e's Data into the payload of its kind, as read from the
// store or as a transition made it. ErrNoPayload for an event without
// data, or of a kind the domain does not record.
func (e Event) Payload() (Payload, error) {
	p := PayloadOf(Action(e.Kind))
	if p == nil || e.Data == nil {
		return nil, fmt.Errorf("event %s: %w", e.Kind, ErrNoPayload)
	}
	b, err := json.Marshal(e.Data)
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", e.Kind, err)
	}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("event %s: %w", e.Kind, err)
	}
	return p, nil
}
