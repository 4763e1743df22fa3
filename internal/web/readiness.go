package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
	"go.uber.org/zap"
)

// Readiness reports whether the service can take traffic: the database is
// reachable and its schema is the one this binary knows, the scheduled
// jobs run, the platforms accept the app's configuration.
type Readiness func(ctx context.Context) error

// Reasoner is an error that carries words for /readyz: what is wrong, in
// terms an operator can act on, and safe to show a caller nobody
// authenticated (no connection string, user name or host). Its Error text
// may hold more and goes to the log only.
type Reasoner interface {
	error
	ReadyReason() string
}

// unknownReason is shown for a failure that brings no words of its own:
// its text could hold anything, so the log has it instead.
const unknownReason = "a readiness check failed; the server log has the detail"

type notReady struct {
	reason string
	err    error
}

func (e *notReady) Error() string       { return e.reason + ": " + e.err.Error() }
func (e *notReady) Unwrap() error       { return e.err }
func (e *notReady) ReadyReason() string { return e.reason }

// AllReady runs every check and joins their failures, so /readyz names
// every problem at once.
func AllReady(checks ...Readiness) Readiness {
	return func(ctx context.Context) error {
		var errs []error
		for _, c := range checks {
			if err := c(ctx); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
}

// NotReady gives err the words /readyz shows for it.
func NotReady(reason string, err error) error {
	return &notReady{reason: reason, err: err}
}

// readyReasons collects the reason of every failure in err (errors.Join
// keeps several), in order and once each.
func readyReasons(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if r, ok := e.(Reasoner); ok {
			out = append(out, r.ReadyReason())
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
			return
		case interface{ Unwrap() error }:
			if x := u.Unwrap(); x != nil {
				walk(x)
				return
			}
		}
		out = append(out, unknownReason)
	}
	walk(err)
	seen := map[string]bool{}
	uniq := out[:0]
	for _, r := range out {
		if !seen[r] {
			seen[r] = true
			uniq = append(uniq, r)
		}
	}
	return uniq
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(r.Context()); err != nil {
		s.log.Warn("not ready", zap.Error(err))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": strings.Join(readyReasons(err), "; ")})
		return
	}
	body := map[string]any{"status": "ready"}
	if s.redis != nil {
		// An unanswering Redis leaves the replica ready: it serves on with
		// its in-process cache and limits, and says so here.
		body["redis"] = s.redis()
	}
	if s.outbox != nil {
		if n, err := s.outbox.OutboxCounts(r.Context()); err != nil {
			s.log.Warn("count dead letters", zap.Error(err))
		} else {
			body["outbox_dead"] = n[cases.OutboxDead]
		}
	}
	writeJSON(w, http.StatusOK, body)
}
