package cases

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels that callers test with errors.Is; the typed errors below wrap
// them so that a caller can also read the details with errors.As.
var (
	ErrIllegalTransition = errors.New("illegal transition")
	ErrForbidden         = errors.New("forbidden")
	ErrInvalid           = errors.New("invalid")
	// ErrNotFound is a case, incident, message or other record that does
	// not exist; the store returns it, so callers need not know the store.
	ErrNotFound = errors.New("not found")
	// ErrConflict is a write that lost a race: the case changed meanwhile.
	ErrConflict = errors.New("conflict: the case changed meanwhile")
)

// TransitionError is an action that the case's current state does not allow.
type TransitionError struct {
	Action Action
	State  State
	Why    string
}

func (e *TransitionError) Error() string {
	msg := fmt.Sprintf("cannot %s a case that is %s", e.Action, e.State)
	if e.Why != "" {
		msg += ": " + e.Why
	}
	return msg
}

func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// ForbiddenError is an action the actor's role or unit does not allow.
type ForbiddenError struct {
	Action Action
	Actor  string
	Why    string
}

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("%s may not %s: %s", e.Actor, e.Action, e.Why)
}

func (e *ForbiddenError) Unwrap() error { return ErrForbidden }

// ValidationError is a command that is missing or has a bad field.
type ValidationError struct {
	Field string
	Why   string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Why }

func (e *ValidationError) Unwrap() error { return ErrInvalid }

func illegal(a Action, s State, why string) error {
	return &TransitionError{Action: a, State: s, Why: why}
}

func forbidden(a Action, act Actor, why string) error {
	return &ForbiddenError{Action: a, Actor: act.MemberID, Why: why}
}

func invalid(field, why string) error { return &ValidationError{Field: field, Why: why} }

// Problems are all the problems of one input, reported at once so that
// whoever sent it can fix everything in one go. It is ErrInvalid too.
type Problems []*ValidationError

// Add records a problem; a nil one is none.
func (p *Problems) Add(ve *ValidationError) {
	if ve != nil {
		*p = append(*p, ve)
	}
}

// Text adds CheckText's verdict on s.
func (p *Problems) Text(field, s string, max int) { p.Add(CheckText(field, s, max)) }

// Err is nil without problems, the problem itself when there is one.
func (p Problems) Err() error {
	switch len(p) {
	case 0:
		return nil
	case 1:
		return p[0]
	}
	return p
}

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, ve := range p {
		parts[i] = ve.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap gives errors.As each problem and errors.Is their ErrInvalid.
func (p Problems) Unwrap() []error {
	errs := make([]error, len(p))
	for i, ve := range p {
		errs[i] = ve
	}
	return errs
}
