// This file and step_time.go are the one answer to "when is this due".
// A case's contact-by and resolve-by times come from its tier's windows
// (Policy.Deadlines) at dispatch and at a reopening, move with a tier
// change (Policy.Retiered) and an approved extension, and every escalation
// step's time hangs on them (StepTime.When). They live in the domain, not
// in the configuration or the scheduler, because the tier, the case and
// its extension are the domain's and the domain imports nothing: the
// configuration only reads the numbers into a Policy and parses step
// times with ParseStepTime, the scheduler (internal/sla) asks StepTime
// for each step, and the store keeps only the sweep's cursor
// (sla_next_at), made stale by every change of a case (store.updateCase).

package cases

import (
	"fmt"
	"sync"
	"time"
)

// TierPolicy is one tier's promise: the unit contacts the complainant within
// ContactWithin and resolves within ResolveWithin, both counted from dispatch.
type TierPolicy struct {
	ContactWithin time.Duration
	ResolveWithin time.Duration
}

// Policy is the time policy the transitions apply. It comes from the
// configuration; DefaultPolicy is the policy's own numbers.
type Policy struct {
	Tiers    map[Tier]TierPolicy
	Calendar Calendar
	// SurveyDelay is how long after feedback through a chat channel the
	// satisfaction survey goes to the complainant (回访). Zero queues none.
	SurveyDelay time.Duration
}

// DefaultSurveyDelay is the policy's follow-up timing: a day after
// feedback, well inside the 48 hours the policy allows.
const DefaultSurveyDelay = 24 * time.Hour

// Calendar adds a window to an instant. The policy counts natural days, so
// the default is plain wall-clock arithmetic in Asia/Shanghai; a calendar of
// working hours would be another implementation of this one method.
type Calendar interface {
	Add(from time.Time, window time.Duration) time.Time
}

// DefaultCalendar is the policy's calendar: natural days, in
// Asia/Shanghai. The configuration sets the windows, never the calendar.
func DefaultCalendar() Calendar { return NaturalCalendar{Location: Shanghai()} }

// NaturalCalendar counts every hour of every day.
type NaturalCalendar struct{ Location *time.Location }

// Add returns from+window in the calendar's location.
func (n NaturalCalendar) Add(from time.Time, window time.Duration) time.Time {
	return from.Add(window).In(n.Location)
}

// Shanghai is the time zone of every deadline and case number. Loading it
// falls back to a fixed UTC+8 zone where the system has no tz database
// (a scratch container), which is exact: China keeps no daylight saving.
func Shanghai() *time.Location { return shanghai() }

// shanghai loads the zone once: time.LoadLocation reads the tz database
// from disk on every call, and every registration and deadline asks for
// it. The zone never changes while the process runs, so this is a
// constant computed late, not shared state.
var shanghai = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*60*60)
	}
	return loc
})

// DefaultPolicy returns the policy's own numbers: 2 h, 24 h and 5 natural
// days to resolve, with contact within 30 min, 2 h and 24 h, and the
// satisfaction survey a day after feedback.
func DefaultPolicy() Policy {
	return Policy{
		Tiers: map[Tier]TierPolicy{
			TierUrgent:    {ContactWithin: 30 * time.Minute, ResolveWithin: 2 * time.Hour},
			TierEssential: {ContactWithin: 2 * time.Hour, ResolveWithin: 24 * time.Hour},
			TierGeneral:   {ContactWithin: 24 * time.Hour, ResolveWithin: 5 * 24 * time.Hour},
		},
		Calendar:    DefaultCalendar(),
		SurveyDelay: DefaultSurveyDelay,
	}
}

// Deadlines returns the contact-by and resolve-by times of a case of tier
// dispatched at from.
func (p Policy) Deadlines(t Tier, from time.Time) (contactBy, resolveBy time.Time, err error) {
	tp, ok := p.Tiers[t]
	if !ok {
		return time.Time{}, time.Time{}, fmt.Errorf("tier %q: %w", t, ErrInvalid)
	}
	return p.Calendar.Add(from, tp.ContactWithin), p.Calendar.Add(from, tp.ResolveWithin), nil
}

// Retiered returns the deadlines of case c, on a unit's clock, when its
// tier changes to to at now: a lower tier's counted from its dispatch, as
// they would have been; a higher tier's from now, since a unit cannot have
// been late for a tier it did not know (an upgrade after two hours is not
// overdue at once). An approved extension later than them still holds.
func (p Policy) Retiered(c Case, to Tier, now time.Time) (contactBy, resolveBy time.Time, err error) {
	from := c.DispatchedAt
	if to.MoreUrgentThan(c.Tier) {
		from = now
	}
	contactBy, resolveBy, err = p.Deadlines(to, from)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if e := c.Extension; e != nil && e.Status == ExtensionApproved && e.Until.After(resolveBy) {
		resolveBy = e.Until
	}
	return contactBy, resolveBy, nil
}
