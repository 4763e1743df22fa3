package config

import (
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// durationBound is the range one duration key may take, with the reason an
// operator reads when a value falls outside it.
type durationBound struct {
	key      string
	d        time.Duration
	min, max time.Duration
	why      string
}

// durationBounds are the bounds of every duration key, in one place. A key
// left out or set to 0 in the file takes its default before they are
// checked, so they judge what the operator wrote or what a variable set.
// How two keys relate (the follow-up after the survey, contact before
// resolve) is checked where the keys are.
func (c *Config) durationBounds() []durationBound {
	o, s, l := c.Outbox, c.Survey, c.SLA
	bounds := []durationBound{
		{"outbox.poll_interval", o.PollInterval, 100 * time.Millisecond, time.Minute,
			"a commit on this replica wakes the worker at once; the poll is for messages other replicas queued, which wait up to one interval"},
		{"outbox.backoff", o.Backoff, 100 * time.Millisecond, time.Hour,
			"the first retry after a platform refused; sooner hammers it, later leaves a unit's card waiting"},
		{"outbox.max_backoff", o.MaxBackoff, time.Second, 24 * time.Hour,
			"the longest wait between two attempts; after a day a notice is news to nobody"},
		{"outbox.lease", o.Lease, 5 * time.Second, time.Hour,
			"a replica that dies holds its claimed messages this long before another takes them"},
		{"wechat.replay_window", c.WeChat.ReplayWindow, 30 * time.Second, 15 * time.Minute,
			"a callback stamped further off is refused: too short refuses WeChat's own retries on a drifting clock, too long lets a captured callback be replayed"},
		{"wecom.replay_window", c.WeCom.ReplayWindow, 30 * time.Second, 15 * time.Minute,
			"a callback stamped further off is refused: too short refuses WeCom's own retries on a drifting clock, too long lets a captured callback be replayed"},
		{"wechat.supplement_window", c.WeChat.SupplementWindow, time.Minute, 24 * time.Hour,
			"students are told it in minutes, and a message a day later is a new complaint, not a supplement"},
		{"wechat.api_timeout", c.WeChat.APITimeout, time.Second, 30 * time.Second,
			"one call to the WeChat API; a stuck call holds its delivery this long"},
		{"survey.delay", s.Delay, time.Minute, MaxSurveyDelay,
			"the complainant reads the result before being asked to rate it, and the policy asks for the follow-up within 48 hours of feedback"},
		{"survey.follow_up_after", s.FollowUpAfter, time.Minute, 30 * 24 * time.Hour,
			"a case unrated this long goes on the hotline's phone list; a month later nobody remembers the call"},
		{"survey.close_unrated_after", s.CloseUnratedAfter, time.Minute, 90 * 24 * time.Hour,
			"an unrated case stays open for the rating this long; past a term it only fills the lists"},
		{"sla.sweep_interval", l.SweepInterval, time.Second, 10 * time.Minute,
			"cron runs nothing more often than once a second, and a step goes out up to one interval late (the urgent chain's first step is 10 minutes after dispatch)"},
		{"sla.incident_window", l.IncidentWindow, time.Minute, 24 * time.Hour,
			"complaints this close together about one thing at one place are one incident; over a day apart they are separate matters"},
		{"sla.incident_group_wait", l.IncidentGroupWait, time.Second, 10 * time.Minute,
			"the unit hears of an incident this long after its second complaint; the urgent chain's first step is 10 minutes after dispatch"},
		{"sla.incident_group_interval", l.IncidentGroupInterval, time.Minute, time.Hour,
			"a group robot takes 20 messages a minute, and a growing incident's count is at most this stale"},
	}
	for _, t := range cases.Tiers {
		tier, _ := c.Tier(t)
		key := "tiers." + string(t)
		bounds = append(bounds,
			durationBound{key + ".contact_within", tier.ContactWithin, time.Minute, 30 * 24 * time.Hour,
				"deadlines are shown to the minute, and the policy's longest window is 5 natural days (an extension moves one case further)"},
			durationBound{key + ".resolve_within", tier.ResolveWithin, time.Minute, 30 * 24 * time.Hour,
				"deadlines are shown to the minute, and the policy's longest window is 5 natural days (an extension moves one case further)"})
	}
	return bounds
}

// validateDurations refuses a duration outside its bounds, saying why.
func (c *Config) validateDurations(ps *problems) {
	for _, b := range c.durationBounds() {
		if b.d < b.min || b.d > b.max {
			ps.add(b.key, "%s: want %s to %s: %s", b.d, cases.ShortDuration(b.min), cases.ShortDuration(b.max), b.why)
		}
	}
}
