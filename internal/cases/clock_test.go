package cases

import "testing"

// The clock runs from dispatch to resolution: exactly the open states but
// the triage queue.
func TestOnClock(t *testing.T) {
	for _, s := range States {
		want := s.Open() && s != StateRegistered
		if got := s.OnClock(); got != want {
			t.Errorf("%s.OnClock() = %v, want %v", s, got, want)
		}
	}
}
