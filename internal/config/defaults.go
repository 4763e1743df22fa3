package config

import (
	"slices"

	"github.com/jiesu/jiesu/internal/cases"
)

// applyDefaults fills every key the file left out (or set to zero) with its
// documented default. It runs before the environment, so a variable can
// still set a key to anything, and Validate judges the result.
func applyDefaults(c *Config) {
	setStr(&c.Server.Listen, DefaultListen)
	setStr(&c.Server.MetricsListen, DefaultMetricsListen)
	setStr(&c.Server.DataDir, DefaultDataDir)
	setStr(&c.Server.BaseURL, DefaultBaseURL)
	setNum(&c.Server.MaxBodyBytes, DefaultMaxBodyBytes)
	setNum(&c.Database.MaxConns, DefaultDBMaxConns)
	setNum(&c.Redis.Replicas, DefaultRedisReplicas)
	setStr(&c.Log.Level, DefaultLogLevel)
	setStr(&c.Log.Format, DefaultLogFormat)
	if c.Dispatch.Auto == nil {
		auto := true
		c.Dispatch.Auto = &auto
	}
	setStr(&c.Dispatch.TriageUnit, DefaultTriageUnit)
	setNum(&c.Outbox.PollInterval, DefaultOutboxPoll)
	setNum(&c.Outbox.Batch, DefaultOutboxBatch)
	setNum(&c.Outbox.MaxAttempts, DefaultOutboxAttempts)
	setNum(&c.Outbox.Backoff, DefaultOutboxBackoff)
	setNum(&c.Outbox.MaxBackoff, DefaultOutboxMaxWait)
	setNum(&c.Outbox.Lease, DefaultOutboxLease)

	// The tier numbers are the policy's own, kept in one place: cases.
	policy := cases.DefaultPolicy()
	tierDefaults(&c.Tiers.Urgent, DefaultUrgentLabel, policy.Tiers[cases.TierUrgent])
	tierDefaults(&c.Tiers.Essential, DefaultEssentialLabel, policy.Tiers[cases.TierEssential])
	tierDefaults(&c.Tiers.General, DefaultGeneralLabel, policy.Tiers[cases.TierGeneral])

	for i := range c.Units {
		setStr(&c.Units[i].Chat.Platform, DefaultChatPlatform)
	}
	c.channelDefaults()
	c.timingDefaults()

	// nil means the key was absent; [] in the file is an empty, non-nil
	// list and switches escalation off for the tier.
	def := DefaultEscalation()
	for _, chain := range []struct{ have, def *[]EscalationStep }{
		{&c.Escalation.Urgent, &def.Urgent},
		{&c.Escalation.Essential, &def.Essential},
		{&c.Escalation.General, &def.General},
	} {
		if *chain.have == nil {
			*chain.have = slices.Clone(*chain.def)
		}
		for i := range *chain.have {
			setStr(&(*chain.have)[i].Template, DefaultEscalationTemplate)
		}
	}
}

func tierDefaults(t *Tier, label string, p cases.TierPolicy) {
	setStr(&t.Label, label)
	setNum(&t.ContactWithin, p.ContactWithin)
	setNum(&t.ResolveWithin, p.ResolveWithin)
}

func setStr(p *string, def string) {
	if *p == "" {
		*p = def
	}
}

func setNum[T ~int | ~int64](p *T, def T) {
	if *p == 0 {
		*p = def
	}
}
