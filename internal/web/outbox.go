package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/service"
)

// messageView is an outbox message as the API shows it. The rendered data
// is left out: a message may quote a complaint, and the office reads that
// on the case.
type messageView struct {
	ID        int64             `json:"id"`
	Case      int64             `json:"case_id,omitempty"`
	Template  string            `json:"template"`
	To        recipientView     `json:"to"`
	State     cases.OutboxState `json:"state"`
	Attempts  int               `json:"attempts"`
	LastError string            `json:"last_error,omitempty"`
	CreatedAt *time.Time        `json:"created_at"`
	DeadAt    *time.Time        `json:"dead_at,omitempty"`
	SentAt    *time.Time        `json:"sent_at,omitempty"`
}

// recipientView is who a message goes to, in the API's snake_case.
type recipientView struct {
	Kind cases.RecipientKind `json:"kind"`
	ID   string              `json:"id,omitempty"`
}

func viewMessage(it cases.OutboxItem) messageView {
	return messageView{ID: it.ID, Case: it.CaseID, Template: string(it.Template), To: recipientView{Kind: it.To.Kind, ID: it.To.ID}, State: it.State, Attempts: it.Attempts,
		LastError: it.LastError, CreatedAt: ts(it.CreatedAt), DeadAt: ts(it.DeadAt), SentAt: ts(it.SentAt)}
}

// outboxParams are GET /api/v1/outbox's.
var outboxParams = params{
	"state": cases.MaxNameIDLength, "case": cases.MaxRefLength, "since": cases.MaxRefLength,
	"limit": cases.MaxRefLength, "after": cases.MaxRefLength,
}

// listOutbox serves GET /api/v1/outbox: state (default dead), case (number
// or id), since (went dead at or after; RFC 3339 or a Shanghai date),
// limit, after.
func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	q := r.URL.Query()
	oq := service.OutboxQuery{State: cases.OutboxDead, CaseRef: q.Get("case")}
	if v := q.Get("state"); v != "" {
		oq.State = cases.OutboxState(v)
		if !oq.State.Valid() {
			s.fail(w, r, badQuery("state", "want pending, sending, sent, dead or dropped"))
			return
		}
	}
	var err error
	if oq.DeadSince, err = cases.ParseInstant(q.Get("since"), false); err != nil {
		s.fail(w, r, badQuery("since", "want RFC 3339 or YYYY-MM-DD"))
		return
	}
	if oq.Limit, oq.After, err = page(q, cases.DefaultListLimit); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.svc.Outbox(r.Context(), actor, oq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := make([]messageView, 0, len(list))
	for _, it := range list {
		views = append(views, viewMessage(it))
	}
	var last int64
	if len(list) > 0 {
		last = list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, pageBody("messages", views, len(list), oq.Limit, last))
}

// outboxRequest is the body of the retry and drop calls; all optional.
type outboxRequest struct {
	Note  string `json:"note"`
	Since string `json:"since"` // retry-dead only
}

// actOnMessage serves POST /api/v1/outbox/{id}/retry and …/drop.
func (s *Server) actOnMessage(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.fail(w, r, &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "no such message"})
		return
	}
	var req outboxRequest
	if err := decodeOptional(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Since != "" {
		s.fail(w, r, &cases.ValidationError{Field: "since", Why: "applies to retry-dead only"})
		return
	}
	switch r.PathValue("action") {
	case "retry":
		err = s.svc.RetryMessage(r.Context(), actor, id, req.Note)
	case "drop":
		err = s.svc.DropMessage(r.Context(), actor, id, req.Note)
	default:
		err = unknownAction("no action " + r.PathValue("action") + " on a message; retry or drop")
	}
	if errors.Is(err, cases.ErrNotFound) {
		err = &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "no such message"}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "action": r.PathValue("action")})
}

// retryDead serves POST /api/v1/outbox/retry-dead: every dead message,
// or those that went dead at or after since.
func (s *Server) retryDead(w http.ResponseWriter, r *http.Request, actor actorCtx) {
	var req outboxRequest
	if err := decodeOptional(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	since, err := cases.ParseInstant(req.Since, false)
	if err != nil {
		s.fail(w, r, &cases.ValidationError{Field: "since", Why: "want RFC 3339 or YYYY-MM-DD"})
		return
	}
	ids, err := s.svc.RetryDead(r.Context(), actor, since, req.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ids == nil {
		ids = []int64{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"retried": ids})
}
