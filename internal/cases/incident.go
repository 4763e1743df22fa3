package cases

import (
	"errors"
	"time"
)

// Sentinels of incident membership, which callers test with errors.Is.
var (
	ErrOtherIncident = errors.New("the case is in another incident")
	ErrNotGroupable  = errors.New("the case cannot join this incident")
)

// GroupKey is what the cases of one incident share: the lead unit that
// handles them, the category and the place routing found.
type GroupKey struct {
	LeadUnit, Category, Place string
}

// GroupKeyOf returns the key of a dispatched case, or false when the case
// lacks a unit, a category or a place and so cannot be grouped.
func GroupKeyOf(c Case) (GroupKey, bool) {
	k := GroupKey{LeadUnit: c.LeadUnit, Category: c.Category, Place: c.Place}
	return k, k.LeadUnit != "" && k.Category != "" && k.Place != ""
}

func (k GroupKey) String() string { return k.LeadUnit + "|" + k.Category + "|" + k.Place }

// Incident is a group of open cases about one thing at one place, handled
// as one: the unit gets one notice with a running count, and accepting,
// contacting or resolving it does so for every case in it.
type Incident struct {
	ID            int64
	LeadUnit      string
	Category      string
	Place         string
	OpenedAt      time.Time
	LastCaseAt    time.Time // the newest case's registration: the window slides from here
	ClosedAt      time.Time // closed to new cases (its cases are still handled as one)
	NotifiedCount int       // the count the last notice gave
	NotifiedAt    time.Time
	NextNoticeAt  time.Time // a notice is due then; zero: none pending
}

// ScheduleNotice plans the notice that a change of membership calls for,
// the way Alertmanager plans a group's: the first wait after the opening,
// later ones no sooner than interval after the previous. A notice already
// planned will carry this change too.
func (inc *Incident) ScheduleNotice(now time.Time, wait, interval time.Duration) {
	switch {
	case !inc.NextNoticeAt.IsZero():
	case inc.NotifiedAt.IsZero():
		inc.NextNoticeAt = inc.OpenedAt.Add(wait)
	default:
		inc.NextNoticeAt = inc.NotifiedAt.Add(interval)
		if inc.NextNoticeAt.Before(now) {
			inc.NextNoticeAt = now
		}
	}
}

// IncidentNotice is an incident whose notice of the running count is due,
// with the count as it stands.
type IncidentNotice struct {
	Incident Incident
	Count    int   // cases in the incident now
	Pending  int   // of which not yet accepted
	First    int64 // the oldest case still its unit's: the notice is shown on it (0: none)
	// CoUnits are the units that help with any of its cases, in the order
	// their first case named them: they get the notice too.
	CoUnits []string
}
