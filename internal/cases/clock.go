package cases

// ClockStates are the states in which the lead unit's clock runs: the case
// is dispatched and not yet resolved. Reminders and escalations chase only
// these; a registered case (never dispatched, or returned) has no clock,
// and a resolved one has stopped it.
var ClockStates = []State{StateDispatched, StateAccepted, StateContacted, StateReopened}

// OnClock reports whether the lead unit's clock runs in state s.
func (s State) OnClock() bool {
	for _, k := range ClockStates {
		if k == s {
			return true
		}
	}
	return false
}
