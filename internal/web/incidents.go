package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/service"
)

// incidentView is an incident as the API shows it.
type incidentView struct {
	ID            int64      `json:"id"`
	LeadUnit      string     `json:"lead_unit"`
	Category      string     `json:"category"`
	Place         string     `json:"place"`
	OpenedAt      *time.Time `json:"opened_at"`
	LastCaseAt    *time.Time `json:"last_case_at"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	NotifiedCount int        `json:"notified_count"`
	Cases         []caseView `json:"cases"`
}

func (s *Server) viewIncident(v service.IncidentView) (incidentView, error) {
	inc := v.Incident
	views, err := s.caseViews(v.Cases...)
	if err != nil {
		return incidentView{}, err
	}
	return incidentView{ID: inc.ID, LeadUnit: inc.LeadUnit, Category: inc.Category, Place: inc.Place,
		OpenedAt: ts(inc.OpenedAt), LastCaseAt: ts(inc.LastCaseAt), ClosedAt: ts(inc.ClosedAt),
		NotifiedCount: inc.NotifiedCount, Cases: views}, nil
}

// incidentID reads {id}; a malformed one is as absent as an unknown one.
func incidentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, noIncident()
	}
	return id, nil
}

// noIncident is the answer for an incident id that names none; the
// generic not_found says "no such case".
func noIncident() *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "no such incident"}
}

// whichMissing turns a not-found error of a change to incident id into
// noIncident when it is the incident that is missing; otherwise the
// case it names is, and err stands.
func (s *Server) whichMissing(r *http.Request, actor actorCtx, id int64, err error) error {
	if !errors.Is(err, cases.ErrNotFound) {
		return err
	}
	if _, ierr := s.svc.Incident(r.Context(), actor, id); errors.Is(ierr, cases.ErrNotFound) {
		return noIncident()
	}
	return err
}

// getIncident serves GET /api/v1/incidents/{id}.
func (s *Server) getIncident(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	s.replyIncident(w, r, actor, nil)
}

// replyIncident answers with the incident as it is after change, if any.
func (s *Server) replyIncident(w http.ResponseWriter, r *http.Request, actor actorCtx, change func(id int64) error) {
	id, err := incidentID(r)
	if err == nil && change != nil {
		if err = change(id); err != nil {
			err = s.whichMissing(r, actor, id, err)
		}
	}
	var v service.IncidentView
	if err == nil {
		if v, err = s.svc.Incident(r.Context(), actor, id); errors.Is(err, cases.ErrNotFound) {
			err = noIncident()
		}
	}
	var view incidentView
	if err == nil {
		view, err = s.viewIncident(v)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// addToIncident serves POST /api/v1/incidents/{id}/cases {"case": "JS…"}.
func (s *Server) addToIncident(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	var req struct {
		Case string `json:"case"`
	}
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	ve := cases.CheckText("case", req.Case, cases.MaxRefLength)
	if req.Case == "" {
		ve = &cases.ValidationError{Field: "case", Why: "is required"}
	}
	if ve != nil {
		s.fail(w, r, ve)
		return
	}
	s.replyIncident(w, r, actor, func(id int64) error { return s.svc.AddToIncident(r.Context(), actor, id, req.Case) })
}

// removeFromIncident serves DELETE /api/v1/incidents/{id}/cases/{ref}.
func (s *Server) removeFromIncident(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	s.replyIncident(w, r, actor, func(id int64) error {
		return s.svc.RemoveFromIncident(r.Context(), actor, id, r.PathValue("ref"))
	})
}

// actOnIncident serves POST /api/v1/incidents/{id}/{action}: accept,
// contact or resolve every case of the incident waiting for it. The body
// takes note and result; skipped lists the cases that refused, by number.
func (s *Server) actOnIncident(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	var req struct {
		Note   string `json:"note"`
		Result string `json:"result"`
	}
	if err := decodeOptional(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := incidentID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	action := pathAction(r)
	if !service.IncidentAction(action) {
		s.fail(w, r, unknownAction("no action "+string(action)+" on an incident: it takes accept, contact or resolve; act on its cases for the rest"))
		return
	}
	cmd := cases.Command{Action: action, Note: req.Note, Result: req.Result}
	if err := cmd.Problems().Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.svc.ActIncident(r.Context(), actor, id, cmd)
	if err != nil {
		s.fail(w, r, s.whichMissing(r, actor, id, err))
		return
	}
	skipped := map[string]string{}
	for number, why := range res.Skipped {
		skipped[number] = why.Error()
	}
	writeJSON(w, http.StatusOK, map[string]any{"incident": res.Incident.ID, "moved": len(res.Moved), "skipped": skipped})
}
