package cases

import (
	"strings"
	"time"
)

// Intake is a complaint as it arrives, with routing's verdict filled in.
type Intake struct {
	Channel         Channel
	ChannelRef      string
	Complainant     Complainant
	Content         string
	Place           string
	Category        string
	Tier            Tier
	TierRaisedFrom  Tier     // routing: the tier before the text made it urgent
	TierEvidence    []string // routing: the words that made it urgent
	LeadUnit        string   // empty: the school office's triage queue
	CoUnits         []string
	RouteReasons    []string
	Confidential    bool
	AccusesOfficial bool
	// Hold keeps the case registered even when a lead unit is known, for the
	// office to check before it goes out.
	Hold bool
}

// New registers a case and, when a lead unit is known and the intake is not
// held, dispatches it at once. The store assigns the id and the number.
func New(in Intake, actor Actor, now time.Time, p Policy) (Outcome, error) {
	if !(actor.System || actor.Office() || actor.Has(RoleOperator)) {
		return Outcome{}, forbidden(ActionRegister, actor, "only the hotline, the school office or a channel can register cases")
	}
	if err := in.Problems().Err(); err != nil {
		return Outcome{}, err
	}
	content := strings.TrimSpace(in.Content)
	if in.Tier == "" {
		in.Tier = TierGeneral
	}
	c := Case{
		Channel: in.Channel, ChannelRef: strings.TrimSpace(in.ChannelRef), Complainant: in.Complainant,
		Content: content, Place: in.Place, Category: in.Category, Tier: in.Tier, State: StateRegistered,
		TierRaisedFrom: in.TierRaisedFrom, TierEvidence: in.TierEvidence,
		RouteReasons: in.RouteReasons, Confidential: in.Confidential, AccusesOfficial: in.AccusesOfficial,
		RegisteredAt: now, UpdatedAt: now, Version: 1,
	}
	out := Outcome{Case: c}
	out.Events = append(out.Events, Event{
		Kind: string(ActionRegister), Actor: actor.MemberID, ActorUnit: actor.Unit, At: now, To: StateRegistered,
		Data: PayloadData(registered(c)),
	})
	if in.AccusesOfficial {
		out.Messages = append(out.Messages, Message{Template: TemplateCaseAccusesOfficial, To: Recipient{Kind: ToRole, ID: string(RoleSupervisor)}})
	}
	if in.LeadUnit == "" || in.Hold {
		out.Messages = append(out.Messages, Message{Template: TemplateCaseTriage, To: Recipient{Kind: ToRole, ID: string(RoleSchoolOffice)}})
		out.Messages = append(out.Messages, raisedByText(c)...)
		return out, nil
	}
	auto := SystemActor()
	auto.MemberID = actor.MemberID
	auto.Unit = actor.Unit
	d, err := Apply(c, auto, Command{Action: ActionDispatch, LeadUnit: in.LeadUnit, CoUnits: in.CoUnits}, now, p)
	if err != nil {
		return Outcome{}, err
	}
	d.Case.Version = 1
	out.Case = d.Case
	out.Events = append(out.Events, d.Events...)
	// The unit's notice first: the office's second look must not delay it.
	out.Messages = append(out.Messages, d.Messages...)
	out.Messages = append(out.Messages, raisedByText(c)...)
	return out, nil
}

// raisedByText tells the office why the text made c urgent, with the
// one-tap downgrade (change_tier); nothing when it did not.
func raisedByText(c Case) []Message {
	if c.TierRaisedFrom == "" {
		return nil
	}
	return []Message{{Template: TemplateCaseUrgentByText, To: Recipient{Kind: ToRole, ID: string(RoleSchoolOffice)}}}
}

// Problems are all that is wrong with the intake's own fields, at once:
// the channel, the content, the tier and every text's CheckText.
func (in Intake) Problems() Problems {
	var ps Problems
	if !in.Channel.Valid() {
		ps.Add(&ValidationError{Field: "channel", Why: "unknown channel " + string(in.Channel)})
	}
	content := strings.TrimSpace(in.Content)
	if content == "" {
		ps.Add(&ValidationError{Field: "content", Why: "is required"})
	}
	ps.Text("content", content, MaxContentLength)
	ps.Text("channel_ref", in.ChannelRef, MaxRefLength)
	ps.Text("place", in.Place, MaxPlaceLength)
	ps.Text("category", in.Category, MaxNameIDLength)
	ps.Text("lead_unit", in.LeadUnit, MaxNameIDLength)
	ps.checkIDs("co_units", in.CoUnits)
	if in.Tier != "" && !in.Tier.Valid() {
		ps.Add(&ValidationError{Field: "tier", Why: "must be urgent, essential or general"})
	}
	if in.TierRaisedFrom != "" && (in.Tier != TierUrgent || !in.TierRaisedFrom.Valid() || in.TierRaisedFrom == TierUrgent) {
		ps.Add(&ValidationError{Field: "tier_raised_from", Why: "only an urgent case is raised, from essential or general"})
	}
	for _, w := range in.TierEvidence {
		ps.Text("tier_evidence", w, MaxContentLength)
	}
	return ps
}

// registered is the data of c's register event.
func registered(c Case) RegisterPayload {
	p := RegisterPayload{Channel: string(c.Channel), Category: c.Category, Tier: string(c.Tier), Reasons: c.RouteReasons}
	if c.TierRaisedFrom != "" {
		// Every tier a case has is in its events: this one came from the text.
		p.TierRaisedFrom, p.TierEvidence = string(c.TierRaisedFrom), c.TierEvidence
	}
	return p
}
