package cases

import "time"

// List limits.
const (
	DefaultListLimit = 50
	MaxListLimit     = 500
)

// Filter selects cases for a list. Zero fields do not filter.
type Filter struct {
	Unit      string // lead unit or co-unit
	States    []State
	Tier      Tier
	Channel   Channel
	Identity  string    // complainant identity (WeChat openid)
	OverdueAt time.Time // only cases past their resolve-by time at this instant
	From, To  time.Time // registered in [From, To)
	Text      string    // substring of content, number or place
	// ContactIndexes: cases whose contact has one of these blind indexes
	// (secret.PhoneIndexes of Text), found as well as those Text finds.
	ContactIndexes []string
	Triage         bool   // only cases in the triage queue (registered, no unit)
	ReadableBy     string // restrict to this unit's cases (lead or co-unit)
	Limit          int
	// After is the paging cursor: the id of the last case of the previous page
	// (lists go newest first).
	After int64
}

// OpenCount is how many cases of a tier are open, and how many of those
// are past their resolve-by time.
type OpenCount struct {
	Open    int
	Overdue int
}
