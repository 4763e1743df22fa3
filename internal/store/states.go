package store

import (
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// The store asks which states a query means of the domain (cases.ClockStates,
// cases.OpenStates, cases.AwaitingAcceptance) and writes them as SQL here,
// so that a new state is added in one place. The lists keep the domain's
// order, which is also the order of the partial indexes' predicates
// (cases_sla_due and cases_group for the clock, cases_resolve_by_open and
// cases_open_tier for open cases): a planner, SQLite's above all, uses a
// partial index only when the query repeats its predicate word for word.
// TestPartialIndexesMatchTheDomain holds the migrated schema to these
// lists; a new state on the clock or open takes a migration for them.

// stateList writes states as an SQL list: ('dispatched', 'accepted').
func stateList(states []cases.State) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, st := range states {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + string(st) + "'")
	}
	b.WriteByte(')')
	return b.String()
}

// clockStatesSQL are the states in which a unit's clock runs.
func clockStatesSQL() string { return stateList(cases.ClockStates) }

// openStatesSQL are the states in which a unit still owes work.
func openStatesSQL() string { return stateList(cases.OpenStates) }

// awaitingStatesSQL are the states in which a case waits for its unit to
// accept it.
func awaitingStatesSQL() string { return stateList(cases.AwaitingAcceptance) }
