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
		Calendar:    NaturalCalendar{Location: Shanghai()},
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

// Number formats a case number from the registration time and the day's
// sequence: JS20261128-0042. The day is Shanghai's.
func Number(at time.Time, seq int) string {
	return fmt.Sprintf("JS%s-%04d", at.In(Shanghai()).Format("20060102"), seq)
}

// Day returns the Shanghai date of at as the key of the per-day sequence.
func Day(at time.Time) string { return at.In(Shanghai()).Format("20060102") }
