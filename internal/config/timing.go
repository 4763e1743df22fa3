package config

import "time"

// Timing defaults.
const (
	DefaultSurveyDelay        = 24 * time.Hour
	MaxSurveyDelay            = 48 * time.Hour // the policy: 回访 within 48 hours of feedback
	DefaultFollowUpAfter      = 48 * time.Hour
	DefaultCloseUnratedAfter  = 7 * 24 * time.Hour
	DefaultSweepInterval      = 30 * time.Second
	DefaultIncidentWindow     = 30 * time.Minute
	DefaultIncidentGroupWait  = 30 * time.Second
	DefaultIncidentGroupEvery = 5 * time.Minute
	// DefaultIncidentSimilarity is the percentage of shared character
	// bigrams two complaints need to be about the same problem: measured
	// on the incident fixture of internal/textsim.
	DefaultIncidentSimilarity = 10
)

// Survey is the satisfaction follow-up (回访) after feedback (survey.*).
type Survey struct {
	// Delay after feedback before the survey goes out (survey.delay).
	// Default 24h; more than 48h is refused, since the policy asks for the
	// follow-up within 48 hours of feedback.
	Delay time.Duration `yaml:"delay"`
	// FollowUpAfter: a case still unrated this long after feedback goes on
	// the hotline's phone follow-up list (survey.follow_up_after). Default 48h.
	FollowUpAfter time.Duration `yaml:"follow_up_after"`
	// CloseUnratedAfter: then it is closed unrated (survey.close_unrated_after).
	// Default 7 days.
	CloseUnratedAfter time.Duration `yaml:"close_unrated_after"`
}

// SLA is the clockwork that chases deadlines (sla.*).
type SLA struct {
	// SweepInterval is how often reminders, escalations and surveys are
	// derived from the clock (sla.sweep_interval). Default 30s.
	SweepInterval time.Duration `yaml:"sweep_interval"`
	// IncidentWindow groups open cases of one category and place raised
	// within it into one incident (sla.incident_window). Default 30m.
	IncidentWindow time.Duration `yaml:"incident_window"`
	// IncidentGroupWait delays an incident's first notice so a burst lands
	// in one message (sla.incident_group_wait, like Alertmanager's
	// group_wait). Default 30s.
	IncidentGroupWait time.Duration `yaml:"incident_group_wait"`
	// IncidentGroupInterval spaces updates of a growing incident's notice
	// (sla.incident_group_interval, like group_interval). Default 5m.
	IncidentGroupInterval time.Duration `yaml:"incident_group_interval"`
	// IncidentSimilarity is how alike, in percent of shared character
	// bigrams (internal/textsim), a case's text must be to a case of an
	// incident to join it (sla.incident_similarity, 1–100): a shared
	// category and place alone do not make the same problem. Default 10.
	IncidentSimilarity int `yaml:"incident_similarity"`
}

func (c *Config) timingDefaults() {
	setNum(&c.Survey.Delay, DefaultSurveyDelay)
	setNum(&c.Survey.FollowUpAfter, DefaultFollowUpAfter)
	setNum(&c.Survey.CloseUnratedAfter, DefaultCloseUnratedAfter)
	setNum(&c.SLA.SweepInterval, DefaultSweepInterval)
	setNum(&c.SLA.IncidentWindow, DefaultIncidentWindow)
	setNum(&c.SLA.IncidentGroupWait, DefaultIncidentGroupWait)
	setNum(&c.SLA.IncidentGroupInterval, DefaultIncidentGroupEvery)
	setNum(&c.SLA.IncidentSimilarity, DefaultIncidentSimilarity)
}

func (c *Config) validateTiming(ps *problems) {
	s := c.Survey
	if s.Delay <= 0 || s.Delay > MaxSurveyDelay {
		ps.add("survey.delay", "%s: want more than 0 and at most 48h (the policy's follow-up window)", s.Delay)
	}
	if s.FollowUpAfter < s.Delay {
		ps.add("survey.follow_up_after", "%s: must not be before survey.delay (%s)", s.FollowUpAfter, s.Delay)
	}
	if s.CloseUnratedAfter <= s.FollowUpAfter {
		ps.add("survey.close_unrated_after", "%s: must be after survey.follow_up_after (%s)", s.CloseUnratedAfter, s.FollowUpAfter)
	}
	for key, d := range map[string]time.Duration{
		"sla.sweep_interval": c.SLA.SweepInterval, "sla.incident_window": c.SLA.IncidentWindow,
		"sla.incident_group_wait": c.SLA.IncidentGroupWait, "sla.incident_group_interval": c.SLA.IncidentGroupInterval,
	} {
		if d <= 0 {
			ps.add(key, "must be more than 0")
		}
	}
	if n := c.SLA.IncidentSimilarity; n < 1 || n > 100 {
		ps.add("sla.incident_similarity", "%d: want a percentage from 1 to 100", n)
	}
}
