package routing

import "github.com/jiesu/jiesu/internal/cases"

// The rules a Reason can name.
const (
	RuleCategoryKeyword = "category_keyword"
	RuleCategoryChosen  = "category_chosen"
	RuleUrgentEvidence  = "urgent_evidence" // a phrase of ongoing danger
	RuleUrgentWord      = "urgent_word"     // a danger word left in doubt
	RuleUrgentMention   = "urgent_mention"  // a danger word set aside by an exception
	RuleEssentialWord   = "essential_word"
	RuleOfficialWord    = "official_word"
	RulePlace           = "place"
	RuleCategoryTier    = "category_tier"
	RuleUnmatched       = "unmatched"
)

// Result is routing's proposal for one complaint.
type Result struct {
	Category     string // category id; empty when Matched is false
	CategoryName string
	Tier         cases.Tier
	// RaisedFrom is the tier the case had before its text made it urgent;
	// empty when the text raised it to nothing, or it was urgent anyway.
	RaisedFrom cases.Tier
	// Evidence are the words of the text that made the case urgent, for
	// the unit's notice; set with RaisedFrom.
	Evidence []string
	// LeadUnit is empty when no category matched (or the category has no
	// lead unit): the case waits in the triage queue for the school office.
	LeadUnit        string
	CoUnits         []string
	Place           string // building, dormitory, canteen…, by its configured name
	PlaceWords      string // the words of the text that gave the place
	AccusesOfficial bool
	Matched         bool
	// Reasons explain every choice above, in the order the rules ran, so the
	// office and the unit can see why a case came to them.
	Reasons []Reason
}

// Reason is one rule that shaped the result.
type Reason struct {
	Rule   string // one of the Rule… constants
	Detail string // English, naming the words matched
}

// String is the form stored with the case (cases.Intake.RouteReasons).
func (r Reason) String() string { return r.Rule + ": " + r.Detail }

// ReasonTexts returns the reasons as strings, for cases.Intake.RouteReasons.
func (r Result) ReasonTexts() []string {
	out := make([]string, len(r.Reasons))
	for i, x := range r.Reasons {
		out[i] = x.String()
	}
	return out
}
