package sla

import (
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

// Kinds of a fired step: a reminder comes before the deadline its
// condition is measured against (提醒); an escalation comes at or after
// it, or for a case nobody accepted (督办).
const (
	KindReminder   = "reminder"
	KindEscalation = "escalation"
)

// Event kinds the sweep appends to a case's history.
const (
	EventRemind   = "remind"
	EventEscalate = "escalate"
)

// Holds reports whether a step's condition still holds for c; the rule
// is config.Condition.Holds. A step found not to hold when due is skipped
// for good, since within one dispatch a condition never holds again.
func Holds(cond string, c store.SLACase) bool {
	return config.Condition(cond).Holds(c.State, c.NoContact)
}

// firing is a step due on a case, with what its message says.
type firing struct {
	c      store.SLACase
	step   Step
	due    time.Time
	kind   string
	phrase string        // elapsed (since dispatch), late_by or left (to the deadline)
	by     time.Duration // how much
}

// measure says what a step due on c at now is and by how much: a case not
// accepted is measured from its dispatch; one not contacted or resolved
// against its contact-by or resolve-by time.
func measure(c store.SLACase, s Step, now time.Time) (kind, phrase string, by time.Duration) {
	var deadline time.Time
	switch s.If {
	case config.IfNotContacted:
		deadline = c.ContactBy
	case config.IfNotResolved:
		deadline = c.ResolveBy
	default:
		return KindEscalation, "elapsed", now.Sub(c.DispatchedAt)
	}
	if now.Before(deadline) {
		return KindReminder, "left", deadline.Sub(now)
	}
	return KindEscalation, "late_by", now.Sub(deadline)
}

// dueSteps returns the steps of chain due on c at now (at or before it), and the
// time of the next one after now (zero: none left).
func dueSteps(c store.SLACase, chain []Step, now time.Time) (steps []Step, next time.Time) {
	for _, s := range chain {
		t := s.When(c)
		if !t.After(now) {
			steps = append(steps, s)
		} else if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	return steps, next
}

// caseKey names a step on one dispatch of a case: a re-dispatch or a
// reopening starts a new dispatch, whose steps fire afresh.
func caseKey(c store.SLACase, s Step) string {
	return fmt.Sprintf("case/%d/%d/%s", c.ID, c.DispatchedAt.UnixMicro(), s.id())
}

// incidentKey names a step's message to one recipient for a whole
// incident: the first of its cases to reach the step sends it, the others
// are covered by it.
func incidentKey(incident int64, s Step, to cases.Recipient) string {
	return fmt.Sprintf("incident/%d/%s/%s", incident, s.id(), label(to))
}

// grouped reports whether c's steps are its incident's: it is in one, and
// its clock started before it joined (a case re-dispatched or reopened
// after joining runs on its own).
func grouped(c store.SLACase) bool {
	return c.Incident != 0 && !c.JoinedAt.IsZero() && !c.DispatchedAt.After(c.JoinedAt)
}
