package render

import (
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
)

// BaseFrom takes what messages share from the configuration: the public
// address, the tier labels and windows, and the names of units, members
// and categories.
func BaseFrom(cfg *config.Config) Base {
	b := Base{
		BaseURL:    cfg.Server.BaseURL,
		TierLabels: make(map[cases.Tier]string, len(cases.Tiers)),
		Policy:     cfg.Policy(),
		Units:      make(map[string]string, len(cfg.Units)),
		Members:    make(map[string]string, len(cfg.Members)),
		Categories: make(map[string]string, len(cfg.Categories)),
		Mask:       cfg.TextMask(),
	}
	for _, t := range cases.Tiers {
		if tier, ok := cfg.Tier(t); ok && tier.Label != "" {
			b.TierLabels[t] = tier.Label
		}
	}
	for _, u := range cfg.Units {
		b.Units[u.ID] = u.Name
	}
	for _, m := range cfg.Members {
		b.Members[m.ID] = m.Name
	}
	for _, k := range cfg.Categories {
		b.Categories[k.ID] = k.Name
	}
	return b
}
