package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/service"
)

// createRequest is the body of POST /api/v1/cases.
type createRequest struct {
	Channel     cases.Channel `json:"channel"`
	ChannelRef  string        `json:"channel_ref"`
	Complainant struct {
		Name    string `json:"name"`
		Contact string `json:"contact"`
	} `json:"complainant"`
	Content      string     `json:"content"`
	Place        string     `json:"place"`
	Category     string     `json:"category"`
	Tier         cases.Tier `json:"tier"`
	LeadUnit     string     `json:"lead_unit"`
	CoUnits      []string   `json:"co_units"`
	Confidential bool       `json:"confidential"`
	Hold         bool       `json:"hold"`
}

func (s *Server) createCase(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	var req createRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Channel.Chat() {
		s.fail(w, r, &cases.ValidationError{Field: "channel", Why: "chat channels register their cases through their callbacks"})
		return
	}
	// The key's rule is checked with the body's fields, in service.Create.
	key := r.Header.Get("Idempotency-Key")
	res, err := s.svc.Create(r.Context(), actor, service.CreateInput{
		Channel: req.Channel, ChannelRef: req.ChannelRef, Name: req.Complainant.Name, Contact: req.Complainant.Contact,
		Content: req.Content, Place: req.Place, Category: req.Category, Tier: req.Tier, LeadUnit: req.LeadUnit,
		CoUnits: req.CoUnits, Confidential: req.Confidential, Hold: req.Hold, IdempotencyKey: key,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if !res.Created {
		// The first request made the case; say so and return it unchanged.
		w.Header().Set("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/cases/"+res.Case.Number)
	s.writeCase(w, r, status, res.Case)
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	c, err := s.svc.Get(r.Context(), actor, r.PathValue("ref"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCase(w, r, http.StatusOK, c)
}

func (s *Server) caseEvents(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	evs, err := s.svc.Events(r.Context(), actor, r.PathValue("ref"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]eventView, 0, len(evs))
	for _, e := range evs {
		out = append(out, viewEvent(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
}

func (s *Server) reveal(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	who, err := s.svc.Reveal(r.Context(), actor, r.PathValue("ref"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, who)
}

// actionRequest is the body of POST /api/v1/cases/{ref}/{action}; each
// action reads the fields it needs.
type actionRequest struct {
	Note     string       `json:"note"`
	Reason   string       `json:"reason"`
	Result   string       `json:"result"`
	Report   string       `json:"report"`
	Rating   cases.Rating `json:"rating"`
	Until    string       `json:"until"`
	LeadUnit string       `json:"lead_unit"`
	CoUnits  []string     `json:"co_units"`
	Tier     cases.Tier   `json:"tier"`
	Category string       `json:"category"`
	Unit     string       `json:"unit"`
	Primary  string       `json:"primary"`
}

// pathAction is the {action} of a path, which may be written with '-' or
// '_' (request-extension, request_extension).
func pathAction(r *http.Request) cases.Action {
	return cases.Action(strings.ReplaceAll(r.PathValue("action"), "-", "_"))
}

// unknownAction is the answer for an action the resource does not take.
func unknownAction(msg string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "unknown_action", Message: msg}
}

func (s *Server) act(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	action := pathAction(r)
	if !action.Valid() {
		s.fail(w, r, unknownAction("no action "+string(action)))
		return
	}
	var req actionRequest
	if err := decodeOptional(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	cmd := cases.Command{
		Action: action, LeadUnit: req.LeadUnit, CoUnits: req.CoUnits, Tier: req.Tier, Category: req.Category,
		Note: req.Note, Reason: req.Reason, Result: req.Result, Report: req.Report, Rating: req.Rating, Unit: req.Unit,
	}
	if action == cases.ActionExclude {
		cmd.Exclusion = cases.ExclusionReason(req.Reason)
	}
	ps := cmd.Problems()
	if req.Until != "" {
		var err error
		if cmd.Until, err = time.Parse(time.RFC3339, req.Until); err != nil {
			ps.Add(&cases.ValidationError{Field: "until", Why: "must be a time in RFC 3339, such as " + untilExample(s.clock.Now())})
		}
	}
	if err := ps.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.svc.Act(r.Context(), actor, r.PathValue("ref"), cmd, req.Primary)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCase(w, r, http.StatusOK, c)
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	f, err := s.filter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.svc.List(r.Context(), actor, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views, err := s.caseViews(list...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var last int64
	if len(list) > 0 {
		last = list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, pageBody("cases", views, len(list), f.Limit, last))
}

// filter reads the list query: unit, state (comma-separated), tier, channel,
// overdue=true, from/to (RFC 3339 or a Shanghai date), q, triage=true,
// limit, after.
func (s *Server) filter(r *http.Request) (cases.Filter, error) {
	q := r.URL.Query()
	f := cases.Filter{Unit: q.Get("unit"), Tier: cases.Tier(q.Get("tier")), Channel: cases.Channel(q.Get("channel")), Text: q.Get("q"), Limit: 50}
	if v := q.Get("state"); v != "" {
		for _, st := range strings.Split(v, ",") {
			if !cases.State(st).Valid() {
				return f, badQuery("state", "unknown state "+st)
			}
			f.States = append(f.States, cases.State(st))
		}
	}
	if f.Tier != "" && !f.Tier.Valid() {
		return f, badQuery("tier", "unknown tier")
	}
	if f.Channel != "" && !f.Channel.Valid() {
		return f, badQuery("channel", "unknown channel")
	}
	overdue, err := boolParam(q.Get("overdue"))
	if err != nil {
		return f, badQuery("overdue", "want true or false")
	}
	if overdue {
		f.OverdueAt = s.clock.Now()
	}
	if f.Triage, err = boolParam(q.Get("triage")); err != nil {
		return f, badQuery("triage", "want true or false")
	}
	if f.From, err = cases.ParseInstant(q.Get("from"), false); err != nil {
		return f, badQuery("from", "want RFC 3339 or YYYY-MM-DD")
	}
	if f.To, err = cases.ParseInstant(q.Get("to"), true); err != nil {
		return f, badQuery("to", "want RFC 3339 or YYYY-MM-DD")
	}
	f.Limit, f.After, err = page(q, f.Limit)
	return f, err
}

// page reads a list's limit (1 to cases.MaxListLimit, default def) and
// after (the next cursor of the previous page).
// pageBody is a list's answer: its items under key, and next (the last
// id, for after=) when the page came back full, so that more may follow.
func pageBody(key string, items any, n, limit int, last int64) map[string]any {
	body := map[string]any{key: items}
	if n == limit && n > 0 {
		body["next"] = strconv.FormatInt(last, 10)
	}
	return body
}

func page(q url.Values, def int) (limit int, after int64, err error) {
	limit = def
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > cases.MaxListLimit {
			return 0, 0, badQuery("limit", "want 1 to "+strconv.Itoa(cases.MaxListLimit))
		}
	}
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 1 {
			return 0, 0, badQuery("after", "want the next cursor of the previous page")
		}
	}
	return limit, after, nil
}

func badQuery(field, why string) error {
	return &apiError{Status: http.StatusBadRequest, Code: "bad_query", Message: field + ": " + why, Field: field}
}

// untilExample is an example of a time for the until field: the end of
// the working day two days after now, in Asia/Shanghai.
func untilExample(now time.Time) string {
	d := now.In(cases.Shanghai()).AddDate(0, 0, 2)
	return time.Date(d.Year(), d.Month(), d.Day(), 18, 0, 0, 0, cases.Shanghai()).Format(time.RFC3339) + " (Asia/Shanghai)"
}

// boolParam reads a flag of the query: true, false, or absent (false).
func boolParam(v string) (bool, error) {
	switch v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, errors.New("not a flag")
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request, actor actorCtx) {
	writeJSON(w, http.StatusOK, map[string]any{"member": actor.MemberID, "name": actor.Name, "unit": actor.Unit, "roles": actor.Roles})
}
