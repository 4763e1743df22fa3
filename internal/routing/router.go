// Package routing reads a complaint's text and proposes its category, tier,
// lead unit and place, with the reasons for each choice, so the school office
// checks a proposal instead of sorting every case by hand. Policy is data: the
// categories, words and places come from configuration; this package only
// applies them.
package routing

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
)

// DefaultTriageUnit takes the cases no category matches when
// dispatch.triage_unit is empty: the school office dispatches them by hand.
const DefaultTriageUnit = "school_office"

// ErrInvalidRule is wrapped by every error New returns, so start-up can tell
// a bad routing rule from other failures.
var ErrInvalidRule = errors.New("invalid routing rule")

// ErrUnknownCategory is RouteAs given a category the configuration lacks.
var ErrUnknownCategory = errors.New("unknown category")

// Router applies the routing rules. It is immutable after New and safe for
// concurrent use.
type Router struct {
	categories []category
	urgency    urgency
	essential  []word
	official   []word
	places     []word
	aliases    map[string]string // folded alias → the place's name
	triage     string
}

type category struct {
	id       string
	name     string
	keywords []word
	tier     cases.Tier
	lead     string
	co       []string
}

// New checks the routing rules in cfg and prepares them for matching. It
// refuses what would route silently wrong: an empty word (it would match
// every text), an unknown tier, a duplicate category id, or a unit id that is
// not among cfg.Units when any units are configured.
func New(cfg *config.Config) (*Router, error) {
	if cfg == nil {
		return nil, fmt.Errorf("routing: nil config: %w", ErrInvalidRule)
	}
	units := make(map[string]bool, len(cfg.Units))
	for _, u := range cfg.Units {
		units[u.ID] = true
	}
	checkUnit := func(key, id string) error {
		if len(units) > 0 && !units[id] {
			return fmt.Errorf("routing: %s: unknown unit %q: %w", key, id, ErrInvalidRule)
		}
		return nil
	}

	r := &Router{triage: strings.TrimSpace(cfg.Dispatch.TriageUnit)}
	if r.triage == "" {
		r.triage = DefaultTriageUnit
	}
	if err := checkUnit("dispatch.triage_unit", r.triage); err != nil {
		return nil, err
	}

	seen := make(map[string]bool, len(cfg.Categories))
	for i, c := range cfg.Categories {
		key := fmt.Sprintf("categories[%d]", i)
		cat, err := newCategory(key, c, checkUnit)
		if err != nil {
			return nil, err
		}
		if seen[cat.id] {
			return nil, fmt.Errorf("routing: %s.id: duplicate category %q: %w", key, cat.id, ErrInvalidRule)
		}
		seen[cat.id] = true
		r.categories = append(r.categories, cat)
	}

	var err error
	if r.urgency.patterns, err = compilePatterns("routing.urgent_patterns", cfg.Routing.UrgentPatterns); err != nil {
		return nil, err
	}
	if r.urgency.words, err = compileWords("routing.urgent_words", cfg.Routing.UrgentWords); err != nil {
		return nil, err
	}
	if r.urgency.exceptions, err = compileWords("routing.urgent_exceptions", cfg.Routing.UrgentExceptions); err != nil {
		return nil, err
	}
	if r.essential, err = compileWords("routing.essential_words", cfg.Routing.EssentialWords); err != nil {
		return nil, err
	}
	if r.official, err = compileWords("routing.official_words", cfg.Routing.OfficialWords); err != nil {
		return nil, err
	}
	if r.places, r.aliases, err = compilePlaces(cfg.Routing); err != nil {
		return nil, err
	}
	return r, nil
}

func newCategory(key string, c config.Category, checkUnit func(key, id string) error) (category, error) {
	cat := category{
		id:   strings.TrimSpace(c.ID),
		name: strings.TrimSpace(c.Name),
		tier: cases.Tier(strings.TrimSpace(c.Tier)),
		lead: strings.TrimSpace(c.LeadUnit),
	}
	if cat.id == "" {
		return category{}, fmt.Errorf("routing: %s.id: is required: %w", key, ErrInvalidRule)
	}
	if cat.tier == "" {
		cat.tier = cases.TierGeneral
	}
	if !cat.tier.Valid() {
		return category{}, fmt.Errorf("routing: %s.tier: %q is not urgent, essential or general: %w", key, c.Tier, ErrInvalidRule)
	}
	// An empty lead unit is allowed: the category is recognised but the
	// office dispatches it, which is what the triage queue is for.
	if cat.lead != "" {
		if err := checkUnit(key+".lead_unit", cat.lead); err != nil {
			return category{}, err
		}
	}
	for j, u := range c.CoUnits {
		u = strings.TrimSpace(u)
		ck := fmt.Sprintf("%s.co_units[%d]", key, j)
		if u == "" || u == cat.lead || slices.Contains(cat.co, u) {
			return category{}, fmt.Errorf("routing: %s: %q cannot be a co-unit (empty, the lead unit or listed twice): %w", ck, u, ErrInvalidRule)
		}
		if err := checkUnit(ck, u); err != nil {
			return category{}, err
		}
		cat.co = append(cat.co, u)
	}
	var err error
	if cat.keywords, err = compileWords(key+".keywords", c.Keywords); err != nil {
		return category{}, err
	}
	return cat, nil
}

// TriageUnit is the unit whose queue takes the cases Route leaves without a
// lead unit.
func (r *Router) TriageUnit() string { return r.triage }
