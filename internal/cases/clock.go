package cases

// ClockStates are the states in which the lead unit's clock runs: the case
// is dispatched and not yet resolved. Reminders and escalations chase only
// these; a registered case (never dispatched, or returned) has no clock,
// and a resolved one has stopped it.
var ClockStates = []State{StateDispatched, StateAccepted, StateContacted, StateReopened}

// AwaitingAcceptance are the states in which a case waits for a member of
// its lead unit to accept it: just dispatched, or reopened (二次办理).
var AwaitingAcceptance = []State{StateDispatched, StateReopened}

// OnClock reports whether the lead unit's clock runs in state s.
func (s State) OnClock() bool {
	for _, k := range ClockStates {
		if k == s {
			return true
		}
	}
	return false
}

// WhileOnClock, as a message's OnlyWhile, keeps the message for as long as
// the case is on its unit's clock, in whichever of those states: a
// reminder or an escalation that waited in the outbox is no news once the
// case is resolved, withdrawn or merged.
const WhileOnClock State = "on_clock"

// Holds reports whether a case in state s still wants a message whose
// OnlyWhile is w: s is w, or w is WhileOnClock and s is on the clock.
func (w State) Holds(s State) bool {
	if w == WhileOnClock {
		return s.OnClock()
	}
	return s == w
}
