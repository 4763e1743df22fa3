package web

import (
	"net/http"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// caseView is a case as the API shows it: snake_case, times in Shanghai,
// the complainant masked (POST …/reveal shows them in full, and logs it).
type caseView struct {
	ID              int64            `json:"id"`
	Number          string           `json:"number"`
	Channel         cases.Channel    `json:"channel"`
	ChannelRef      string           `json:"channel_ref,omitempty"`
	State           cases.State      `json:"state"`
	Tier            cases.Tier       `json:"tier"`
	Category        string           `json:"category,omitempty"`
	Place           string           `json:"place,omitempty"`
	Content         string           `json:"content"`
	Complainant     complainantView  `json:"complainant"`
	LeadUnit        string           `json:"lead_unit,omitempty"`
	FirstHandler    string           `json:"first_handler,omitempty"`
	CoUnits         []assignmentView `json:"co_units,omitempty"`
	RouteReasons    []string         `json:"route_reasons,omitempty"`
	RegisteredAt    *time.Time       `json:"registered_at,omitempty"`
	DispatchedAt    *time.Time       `json:"dispatched_at,omitempty"`
	AcceptedAt      *time.Time       `json:"accepted_at,omitempty"`
	ContactedAt     *time.Time       `json:"contacted_at,omitempty"`
	ResolvedAt      *time.Time       `json:"resolved_at,omitempty"`
	FeedbackAt      *time.Time       `json:"feedback_at,omitempty"`
	RatedAt         *time.Time       `json:"rated_at,omitempty"`
	ClosedAt        *time.Time       `json:"closed_at,omitempty"`
	ContactBy       *time.Time       `json:"contact_by,omitempty"`
	ResolveBy       *time.Time       `json:"resolve_by,omitempty"`
	Overdue         bool             `json:"overdue"`
	Extension       *extensionView   `json:"extension,omitempty"`
	Result          string           `json:"result,omitempty"`
	Report          string           `json:"report,omitempty"`
	Rating          cases.Rating     `json:"rating,omitempty"`
	Reopens         int              `json:"reopens,omitempty"`
	MergedInto      int64            `json:"merged_into,omitempty"`
	Confidential    bool             `json:"confidential,omitempty"`
	AccusesOfficial bool             `json:"accuses_official,omitempty"`
	Exclusion       *exclusionView   `json:"exclusion,omitempty"`
	Version         int              `json:"version"`
}

type complainantView struct {
	Name      string `json:"name,omitempty"`
	Contact   string `json:"contact,omitempty"`
	NoContact bool   `json:"no_contact,omitempty"`
}

type assignmentView struct {
	Unit       string                `json:"unit"`
	State      cases.AssignmentState `json:"state"`
	AcceptedBy string                `json:"accepted_by,omitempty"`
	AcceptedAt *time.Time            `json:"accepted_at,omitempty"`
	Report     string                `json:"report,omitempty"`
	ReportedAt *time.Time            `json:"reported_at,omitempty"`
	DueBy      *time.Time            `json:"due_by,omitempty"`
}

type extensionView struct {
	Until       *time.Time            `json:"until"`
	Reason      string                `json:"reason"`
	RequestedBy string                `json:"requested_by"`
	RequestedAt *time.Time            `json:"requested_at"`
	Status      cases.ExtensionStatus `json:"status"`
	DecidedBy   string                `json:"decided_by,omitempty"`
	DecidedAt   *time.Time            `json:"decided_at,omitempty"`
}

type exclusionView struct {
	Reason     cases.ExclusionReason `json:"reason"`
	Note       string                `json:"note,omitempty"`
	ApprovedBy string                `json:"approved_by"`
	At         *time.Time            `json:"at"`
}

type eventView struct {
	Kind      string         `json:"kind"`
	Actor     string         `json:"actor"`
	ActorUnit string         `json:"actor_unit,omitempty"`
	At        *time.Time     `json:"at"`
	From      cases.State    `json:"from,omitempty"`
	To        cases.State    `json:"to,omitempty"`
	Note      string         `json:"note,omitempty"`
	Data      map[string]any `json:"data,omitempty"`
}

func ts(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	// Whole seconds: what people and consoles need, and the same whether
	// the case came from memory or from a store that keeps microseconds.
	t = t.In(cases.Shanghai()).Truncate(time.Second)
	return &t
}

// caseViews are cases as the API shows them, their text masked
// (service.Masked): nobody reads it in full but through reveal.
func (s *Server) caseViews(list ...cases.Case) ([]caseView, error) {
	now := s.clock.Now()
	views := make([]caseView, 0, len(list))
	for _, c := range list {
		c, err := s.svc.Shown(c)
		if err != nil {
			return nil, err
		}
		views = append(views, viewCase(c, now))
	}
	return views, nil
}

// writeCase answers with one case.
func (s *Server) writeCase(w http.ResponseWriter, r *http.Request, status int, c cases.Case) {
	v, err := s.caseViews(c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, v[0])
}

func viewCase(c cases.Case, now time.Time) caseView {
	v := caseView{
		ID: c.ID, Number: c.Number, Channel: c.Channel, ChannelRef: c.ChannelRef, State: c.State, Tier: c.Tier,
		Category: c.Category, Place: c.Place, Content: c.Content,
		Complainant: complainantView{Name: c.Complainant.NameMasked, Contact: c.Complainant.ContactMasked, NoContact: c.Complainant.NoContact},
		LeadUnit:    c.LeadUnit, FirstHandler: c.FirstHandler, RouteReasons: c.RouteReasons,
		RegisteredAt: ts(c.RegisteredAt), DispatchedAt: ts(c.DispatchedAt), AcceptedAt: ts(c.AcceptedAt),
		ContactedAt: ts(c.ContactedAt), ResolvedAt: ts(c.ResolvedAt), FeedbackAt: ts(c.FeedbackAt),
		RatedAt: ts(c.RatedAt), ClosedAt: ts(c.ClosedAt), ContactBy: ts(c.ContactBy), ResolveBy: ts(c.ResolveBy),
		Overdue: c.Overdue(now), Result: c.Result, Report: c.Report, Rating: c.Rating, Reopens: c.Reopens,
		MergedInto: c.MergedInto, Confidential: c.Confidential, AccusesOfficial: c.AccusesOfficial, Version: c.Version,
	}
	for _, a := range c.CoUnits {
		v.CoUnits = append(v.CoUnits, assignmentView{
			Unit: a.Unit, State: a.State, AcceptedBy: a.AcceptedBy, AcceptedAt: ts(a.AcceptedAt),
			Report: a.Report, ReportedAt: ts(a.ReportedAt), DueBy: ts(a.DueBy),
		})
	}
	if e := c.Extension; e != nil {
		v.Extension = &extensionView{Until: ts(e.Until), Reason: e.Reason, RequestedBy: e.RequestedBy, RequestedAt: ts(e.RequestedAt), Status: e.Status, DecidedBy: e.DecidedBy, DecidedAt: ts(e.DecidedAt)}
	}
	if x := c.Exclusion; x != nil {
		v.Exclusion = &exclusionView{Reason: x.Reason, Note: x.Note, ApprovedBy: x.ApprovedBy, At: ts(x.At)}
	}
	return v
}

func viewEvent(e cases.Event) eventView {
	return eventView{Kind: e.Kind, Actor: e.Actor, ActorUnit: e.ActorUnit, At: ts(e.At), From: e.From, To: e.To, Note: e.Note, Data: e.Data}
}
