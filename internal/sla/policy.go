package sla

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

// Step is one rung of a tier's escalation chain, parsed.
type Step struct {
	Tier     cases.Tier
	At       cases.StepTime
	If       config.Condition
	Notify   []config.Target
	Template cases.Template
}

// When is the instant the step is due for c, from c's own deadlines: an
// extension moves the steps that hang on resolve_by, and a re-dispatch
// or a reopening moves them all.
func (s Step) When(c store.SLACase) time.Time {
	return s.At.When(c.DispatchedAt, c.ContactBy, c.ResolveBy)
}

// id names the step independently of its place in the chain, so that
// reordering the configuration does not make a fired step fire again.
// Validation refuses two steps of one tier with the same at and if.
func (s Step) id() string { return string(s.Tier) + "/" + s.At.String() + "/" + string(s.If) }

// Policy is the escalation chains of the three tiers.
type Policy struct {
	chains      map[cases.Tier][]Step
	fingerprint string
}

// PolicyFrom parses the configuration's chains (escalation.*).
func PolicyFrom(cfg *config.Config) (Policy, error) {
	p := Policy{chains: make(map[cases.Tier][]Step, len(cases.Tiers))}
	var fp strings.Builder
	for _, t := range cases.Tiers {
		for i, cs := range cfg.Steps(t) {
			at, err := cases.ParseStepTime(cs.At)
			if err != nil {
				return Policy{}, fmt.Errorf("escalation.%s[%d].at: %w", t, i, err)
			}
			s := Step{Tier: t, At: at, If: cs.If, Notify: cs.Notify, Template: cases.Template(cs.Template)}
			if s.Template == "" {
				s.Template = config.DefaultEscalationTemplate
			}
			p.chains[t] = append(p.chains[t], s)
			fmt.Fprintf(&fp, "%s|%s|%s|%s\n", s.id(), strings.Join(targetNames(s.Notify), ","), s.Template, at)
		}
	}
	sum := sha256.Sum256([]byte(fp.String()))
	p.fingerprint = hex.EncodeToString(sum[:8])
	return p, nil
}

// Chain returns tier t's steps in configuration order.
func (p Policy) Chain(t cases.Tier) []Step { return p.chains[t] }

// Fingerprint changes whenever the chains do; the sweep re-derives every
// case's next step under a new one.
func (p Policy) Fingerprint() string { return p.fingerprint }

// Templates lists the message templates the chains name, for the start to
// check that each exists.
func (p Policy) Templates() []cases.Template {
	seen := map[cases.Template]bool{}
	var out []cases.Template
	for _, t := range cases.Tiers {
		for _, s := range p.chains[t] {
			if !seen[s.Template] {
				seen[s.Template] = true
				out = append(out, s.Template)
			}
		}
	}
	return out
}
