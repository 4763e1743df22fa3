package store

import (
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
)

// The SQL lists are the partial indexes' predicates word for word (see
// states.go), so their form is fixed, not just their content.
func TestStateLists(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, got, want string }{
		{"clock", clockStatesSQL(), `('dispatched', 'accepted', 'contacted', 'reopened')`},
		{"open", openStatesSQL(), `('registered', 'dispatched', 'accepted', 'contacted', 'reopened')`},
		{"awaiting", awaitingStatesSQL(), `('dispatched', 'reopened')`},
		{"one state", stateList([]cases.State{cases.StateClosed}), `('closed')`},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got, tt.want)
		}
	}
}
