package store

import (
	"sync"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// maxHints bounds the keys a store remembers; past it, the expired go, and
// if that is not enough, all of them (hints only save round trips).
const maxHints = 10000

// companyHints remembers, per group key, until when a new case of it will
// likely have company: a case of the key was written, or joined an
// incident, within the window. Such a case goes straight to the incident
// path instead of first having its write refused by the guard, a round
// trip that in a burst every registration would pay. A wrong hint costs
// only round trips: the incident path finds out for itself.
type companyHints struct {
	mu    sync.Mutex
	until map[cases.GroupKey]time.Time
}

// has reports whether k likely has company for a case registered at.
func (h *companyHints) has(k cases.GroupKey, at time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return at.Before(h.until[k])
}

// note records that a case of k registered at, or an incident of k that
// took one then, gives company to the cases of the window after.
func (h *companyHints) note(k cases.GroupKey, at time.Time, window time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.until == nil {
		h.until = map[cases.GroupKey]time.Time{}
	}
	if len(h.until) >= maxHints {
		for key, u := range h.until {
			if u.Before(at) {
				delete(h.until, key)
			}
		}
		if len(h.until) >= maxHints {
			clear(h.until)
		}
	}
	if until := at.Add(window); until.After(h.until[k]) {
		h.until[k] = until
	}
}
