package sla

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// StaleTicks is how many intervals may pass without a tick whose jobs all
// succeeded before the scheduler reports itself unhealthy: one failed
// tick is a blip (the next retries), three are an outage.
const StaleTicks = 3

// ErrStale is the scheduler's jobs not having succeeded for StaleTicks
// intervals.
var ErrStale = errors.New("sla: scheduled jobs have not succeeded")

// Recorder hears what the scheduler and the sweep did, for /metrics.
type Recorder interface {
	// JobRan is one job's run at at, which took took; err nil is a success.
	JobRan(job string, at time.Time, took time.Duration, err error)
	// StepsSwept counts escalation steps: fired and skipped by a sweep that
	// committed, failed when the sweep that was to fire them did not (the
	// next sweep tries them again).
	StepsSwept(fired, skipped, failed int)
}

type nopRecorder struct{}

func (nopRecorder) JobRan(string, time.Time, time.Duration, error) {}
func (nopRecorder) StepsSwept(int, int, int)                       {}

// health remembers the last tick whose jobs all succeeded, and the jobs
// that failed since.
type health struct {
	mu      sync.Mutex
	lastOK  time.Time // or, before the first success, when the scheduler was made
	failing []string
}

func (h *health) tick(now time.Time, failed []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(failed) == 0 {
		h.lastOK, h.failing = now, nil
		return
	}
	h.failing = failed
}

// Check is a readiness check: ErrStale, with a reason for /readyz, when no
// tick has succeeded for StaleTicks intervals. A job another replica holds
// counts as a success here: the work is that replica's.
func (s *Scheduler) Check(context.Context) error {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	now := s.clock.Now()
	if now.Sub(s.health.lastOK) <= StaleTicks*s.interval {
		return nil
	}
	failing := "no tick has finished"
	if len(s.health.failing) > 0 {
		failing = "failing: " + strings.Join(s.health.failing, ", ")
	}
	return &StaleError{Since: s.health.lastOK, Interval: s.interval, Failing: failing}
}

// StaleError is ErrStale with what an operator needs to act on it.
type StaleError struct {
	Since    time.Time
	Interval time.Duration
	Failing  string
}

func (e *StaleError) Error() string { return e.ReadyReason() }

func (e *StaleError) Unwrap() error { return ErrStale }

// ReadyReason names the jobs but not their errors, which can quote the
// database's: the server log has those.
func (e *StaleError) ReadyReason() string {
	return fmt.Sprintf("scheduled jobs (escalation sweep, follow-ups) have not succeeded since %s, more than %d intervals of %s (%s); the server log has the errors",
		e.Since.UTC().Format(time.RFC3339), StaleTicks, e.Interval, e.Failing)
}
