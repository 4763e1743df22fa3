package routing

import (
	"fmt"
	"slices"

	"github.com/jiesu/jiesu/internal/cases"
)

// Route proposes a category, tier, lead unit and place for a complaint. It
// never fails: a text no rule recognises goes to the triage queue, and an
// urgency word raises the tier even then, so an unmatched fire is not
// quietly treated as a five-day matter. The work is linear in the text's
// length for each configured word.
func (r *Router) Route(text string) Result {
	t := fold(text)
	return r.route(t, r.bestCategory(t), false)
}

// RouteAs is Route with the category a person chose at registration (an
// operator who heard the caller out): its tier, lead unit and co-units,
// still raised by urgency words, with the place and official words found
// as Route finds them. An unknown category is ErrUnknownCategory.
func (r *Router) RouteAs(text, categoryID string) (Result, error) {
	for i := range r.categories {
		if r.categories[i].id == categoryID {
			return r.route(fold(text), &r.categories[i], true), nil
		}
	}
	return Result{}, fmt.Errorf("routing: category %q: %w", categoryID, ErrUnknownCategory)
}

// route builds the result for folded text t in category c (nil: none
// matched), chosen by a person or found by keyword.
func (r *Router) route(t string, c *category, chosen bool) Result {
	res := Result{Tier: cases.TierGeneral}

	if c != nil {
		res.Matched = true
		res.Category, res.CategoryName = c.id, c.name
		res.Tier = c.tier
		res.LeadUnit = c.lead
		res.CoUnits = slices.Clone(c.co)
		rule, detail := RuleCategoryKeyword, quoteWords("keyword", foundIn(c.keywords, t))+" → category "+c.id
		if chosen {
			rule, detail = RuleCategoryChosen, "category "+c.id+" chosen at registration"
		}
		if c.lead == "" {
			detail += " (no lead unit: triage queue of " + r.triage + ")"
		}
		res.Reasons = append(res.Reasons,
			Reason{Rule: rule, Detail: detail},
			Reason{Rule: RuleCategoryTier, Detail: fmt.Sprintf("category %s → tier %s", c.id, c.tier)},
		)
	} else {
		res.Reasons = append(res.Reasons, Reason{
			Rule:   RuleUnmatched,
			Detail: "no category keyword → triage queue of " + r.triage,
		})
	}

	r.raiseTier(t, &res)

	if ws := foundIn(r.official, t); len(ws) > 0 {
		res.AccusesOfficial = true
		res.Reasons = append(res.Reasons, Reason{
			Rule:   RuleOfficialWord,
			Detail: quoteWords("official word", ws) + " → accuses an official: the discipline office sees the case",
		})
	}

	if p, ok := r.findPlace(t); ok {
		res.Place, res.PlaceWords = p.name, p.words
		res.Reasons = append(res.Reasons, Reason{Rule: RulePlace, Detail: p.reason()})
	}
	return res
}

// bestCategory returns the category with the most distinct keywords in the
// folded text, the earlier one on a tie, or nil when none matches.
func (r *Router) bestCategory(t string) *category {
	var best *category
	bestN := 0
	for i := range r.categories {
		if n := countIn(r.categories[i].keywords, t); n > bestN {
			best, bestN = &r.categories[i], n
		}
	}
	return best
}
