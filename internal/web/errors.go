package web

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/service"
)

// apiError is the body of every error response. Code is stable: clients
// branch on it; Message is for people and may change.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Problems lists every problem of the request when there are several;
	// Code, Message and Field are the first's.
	Problems []problem `json:"problems,omitempty"`
}

// problem is one thing wrong with a request.
type problem struct {
	Code    string `json:"code"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// problems collects a request's problems.
type problems []problem

func (ps *problems) add(code, field, msg string) {
	*ps = append(*ps, problem{Code: code, Field: field, Message: msg})
}

// sortByField orders problems by field, so that a request gets the same
// answer each time however its parameters were ordered.
func (ps problems) sortByField() {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Field < ps[j].Field })
}

// err is nil without problems. A body whose shape is wrong (unknown
// fields, wrong types) is a 400; one whose values are wrong is a 422.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	status, first := http.StatusUnprocessableEntity, ps[0]
	for _, p := range ps {
		if p.Code != "invalid" {
			status, first = http.StatusBadRequest, p
			break
		}
	}
	ae := &apiError{Status: status, Code: first.Code, Message: first.Message, Field: first.Field}
	if len(ps) > 1 {
		ae.Problems = ps
	}
	return ae
}

// invalidProblems lists the domain's problems of a request as a 422.
func invalidProblems(vs []*cases.ValidationError) *apiError {
	var ps problems
	for _, ve := range vs {
		ps.add("invalid", ve.Field, ve.Error())
	}
	ae, _ := ps.err().(*apiError)
	return ae
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errBadRequest(code, msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// classify maps an error from any layer to its status and code. It is the
// one place that knows both the errors and HTTP.
func classify(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var ve *cases.ValidationError
	var vs cases.Problems
	var mbe *http.MaxBytesError
	var mm *service.MismatchError
	switch {
	case errors.As(err, &vs):
		return invalidProblems(vs)
	case errors.As(err, &mm):
		return &apiError{Status: http.StatusConflict, Code: "idempotency_mismatch", Message: mm.Error(), Field: strings.Join(mm.Fields, ",")}
	case service.Unavailable(err):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "the database is unavailable; retry shortly"}
	case errors.As(err, &mbe):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Message: "request body is larger than the limit"}
	case errors.Is(err, auth.ErrUnauthenticated):
		return &apiError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "a valid bearer token is required"}
	case errors.As(err, &ve):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: ve.Error(), Field: ve.Field}
	case errors.Is(err, cases.ErrForbidden):
		return &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: err.Error()}
	case errors.Is(err, cases.ErrIllegalTransition):
		return &apiError{Status: http.StatusConflict, Code: "illegal_transition", Message: err.Error()}
	case errors.Is(err, cases.ErrOutboxState):
		return &apiError{Status: http.StatusConflict, Code: "wrong_state", Message: err.Error()}
	case errors.Is(err, cases.ErrConflict):
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: "the case changed meanwhile; read it again and retry"}
	case errors.Is(err, cases.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "no such case"}
	case errors.Is(err, cases.ErrInvalid):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: err.Error()}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"}
}

// retryAfter is how long a client should wait when the database is
// unreachable, in seconds: about as long as a PostgreSQL restart or a
// failover takes.
const retryAfter = "5"

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae := classify(err)
	if ae.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfter)
	}
	if ae.Status >= 500 {
		s.log.Error("request failed", zap.String("request_id", requestID(r.Context())), zap.String("path", r.URL.Path), zap.Error(err))
	}
	writeJSON(w, ae.Status, map[string]any{"error": ae})
}
