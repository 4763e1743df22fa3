package web

import (
	"errors"
	"net/http"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// apiError is the body of every error response. Code is stable: clients
// branch on it; Message is for people and may change.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
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
	var mbe *http.MaxBytesError
	switch {
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
	case errors.Is(err, store.ErrOutboxState):
		return &apiError{Status: http.StatusConflict, Code: "wrong_state", Message: err.Error()}
	case errors.Is(err, store.ErrConflict):
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: "the case changed meanwhile; read it again and retry"}
	case errors.Is(err, store.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "no such case"}
	case errors.Is(err, cases.ErrInvalid):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: err.Error()}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"}
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae := classify(err)
	if ae.Status >= 500 {
		s.log.Error("request failed", zap.String("request_id", requestID(r.Context())), zap.String("path", r.URL.Path), zap.Error(err))
	}
	writeJSON(w, ae.Status, map[string]any{"error": ae})
}
