package store

import (
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
)

// The SQL lists are the partial indexes' predicates word for word (see
// states.go), so their form is fixed, not just their content.
func TestStateLists(t *testing.T) {
	t.Parallel()
	for got, want := range map[string]string{
		clockStatesSQL():    `('dispatched', 'accepted', 'contacted', 'reopened')`,
		openStatesSQL():     `('registered', 'dispatched', 'accepted', 'contacted', 'reopened')`,
		awaitingStatesSQL(): `('dispatched', 'reopened')`,
		stateList([]cases.State{cases.StateClosed}): `('closed')`,
	} {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}
