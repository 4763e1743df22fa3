package config

import (
	"fmt"
	"slices"

	"github.com/jiesu/jiesu/internal/cases"
)

// validateChains refuses what validateEscalation lets through one step at
// a time but the sweep could never act on: a step that can never fire on
// its own, or a target that names nobody when the step fires.
func (c *Config) validateChains(ps *problems) {
	for _, t := range cases.Tiers {
		// A fired step is remembered by its tier, at and if: a second step
		// with the same three would count as fired with the first.
		seen := map[string]int{}
		for i, s := range c.Steps(t) {
			key := fmt.Sprintf("escalation.%s[%d]", t, i)
			if at, err := cases.ParseStepTime(s.At); err == nil {
				id := at.String() + "/" + string(s.If)
				if j, dup := seen[id]; dup {
					ps.add(key, "same at (%s) and if (%s) as escalation.%s[%d]: it would never fire on its own; merge their notify lists", s.At, s.If, t, j)
				} else {
					seen[id] = i
				}
			}
			for j, target := range s.Notify {
				nk := fmt.Sprintf("%s.notify[%d]", key, j)
				if slices.Index(s.Notify, target) < j {
					ps.add(nk, "%q given twice", target)
				}
				// Nobody has accepted a case that is not accepted: there is
				// no handler to tell.
				if target == NotifyHandler && s.If == IfNotAccepted {
					ps.add(nk, "handler names nobody when the case is not accepted; notify unit_group instead")
				}
			}
		}
	}
}
