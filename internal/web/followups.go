package web

import (
	"net/http"
	"strconv"

	"github.com/jiesu/jiesu/internal/cases"
)

// followUps serves GET /api/v1/follow-ups: the hotline's phone follow-up
// list (回访), cases fed back at least survey.follow_up_after ago that
// their complainant has not rated, oldest feedback first. limit caps it.
func (s *Server) followUps(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	limit := cases.DefaultListLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > cases.MaxListLimit {
			s.fail(w, r, &apiError{Status: http.StatusBadRequest, Code: "bad_query", Message: "limit must be 1 to 500", Field: "limit"})
			return
		}
		limit = n
	}
	list, err := s.svc.FollowUps(r.Context(), actor, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views, err := s.caseViews(list...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": views})
}
