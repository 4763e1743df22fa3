package sla_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/storetest"
)

// recorder is a fake sla.Recorder.
type recorder struct {
	mu                     sync.Mutex
	runs                   map[string][]error
	fired, skipped, failed int
}

func (r *recorder) JobRan(job string, _ time.Time, _ time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.runs == nil {
		r.runs = map[string][]error{}
	}
	r.runs[job] = append(r.runs[job], err)
}

func (r *recorder) StepsSwept(fired, skipped, failed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fired, r.skipped, r.failed = r.fired+fired, r.skipped+skipped, r.failed+failed
}

// The scheduler turns unhealthy only after three intervals without a good
// tick, says which job fails without quoting its error, and recovers with
// the next good tick.
func TestSchedulerCheckAfterThreeIntervals(t *testing.T) {
	t.Parallel()
	st := storetest.NewSQLite(t)
	clk := clock.NewFake(t0)
	var broken sync.Mutex
	fail := true
	job := sla.JobFunc("sla", func(context.Context, time.Time) error {
		broken.Lock()
		defer broken.Unlock()
		if fail {
			return errors.New("ping postgres: user=jiesu host=10.0.0.5:5432 FATAL")
		}
		return nil
	})
	rec := &recorder{}
	s, err := sla.NewScheduler(sla.SchedulerParams{Interval: 30 * time.Second, Leases: st, Jobs: []sla.Job{job}, Clock: clk, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 3 {
		_ = s.RunOnce(ctx, clk.Now())
		if err := s.Check(ctx); err != nil {
			t.Fatalf("unhealthy after %d failed ticks: %v", i+1, err)
		}
		clk.Advance(30 * time.Second)
	}
	clk.Advance(time.Second)
	_ = s.RunOnce(ctx, clk.Now())
	err = s.Check(ctx)
	var stale *sla.StaleError
	if !errors.Is(err, sla.ErrStale) || !errors.As(err, &stale) {
		t.Fatalf("Check after 3 intervals of failures = %v, want ErrStale", err)
	}
	reason := stale.ReadyReason()
	if !strings.Contains(reason, "failing: sla") || !strings.Contains(reason, t0.UTC().Format(time.RFC3339)) {
		t.Errorf("reason %q does not name the job and the last success", reason)
	}
	if strings.Contains(reason, "10.0.0.5") || strings.Contains(reason, "user=") {
		t.Errorf("reason %q quotes the job's error", reason)
	}
	broken.Lock()
	fail = false
	broken.Unlock()
	if err := s.RunOnce(ctx, clk.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Errorf("still unhealthy after a good tick: %v", err)
	}
	if runs := rec.runs["sla"]; len(runs) != 5 || runs[0] == nil || runs[4] != nil {
		t.Errorf("recorded runs %v, want 4 failures then a success", runs)
	}
}

// The sweep tells its recorder how many steps it fired: an essential case
// left unaccepted past its first steps fires them.
func TestSweepRecordsSteps(t *testing.T) {
	t.Parallel()
	st := storetest.NewSQLite(t)
	rec := &recorder{}
	sw, err := sla.NewSweeper(sla.SweeperParams{Store: st, Config: exampleConfig(t), Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Create(t, st, storetest.NewCase(t, t0, "logistics"))
	res, err := sw.RunAt(context.Background(), t0.Add(3*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.Fired == 0 || rec.fired != res.Fired || rec.skipped != res.Skipped || rec.failed != 0 {
		t.Errorf("recorded fired %d skipped %d failed %d, sweep fired %d skipped %d", rec.fired, rec.skipped, rec.failed, res.Fired, res.Skipped)
	}
}
