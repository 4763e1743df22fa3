package sla_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/storetest"
)

// counter is a job that counts its runs.
func counter(name string, n *atomic.Int32, err error) sla.Job {
	return sla.JobFunc(name, func(context.Context, time.Time) error { n.Add(1); return err })
}

// Of two replicas ticking together, one runs each job; a replica that
// dies holding a lease keeps the job from the others until it lapses.
func TestSchedulerLeases(t *testing.T) {
	t.Parallel()
	st := storetest.NewSQLite(t)
	ctx := context.Background()
	var runs atomic.Int32
	job := counter("survey", &runs, nil)
	a, err := sla.NewScheduler(sla.SchedulerParams{Interval: 30 * time.Second, Leases: st, Jobs: []sla.Job{job}, Holder: "a"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sla.NewScheduler(sla.SchedulerParams{Interval: 30 * time.Second, Leases: st, Jobs: []sla.Job{job}, Holder: "b"})
	// A lease held by a third replica that died mid-run.
	if ok, err := st.TryLease(ctx, "survey", "dead", t0, time.Minute); err != nil || !ok {
		t.Fatal(ok, err)
	}
	for _, at := range []time.Duration{0, 30 * time.Second} {
		_ = a.RunOnce(ctx, t0.Add(at))
		_ = b.RunOnce(ctx, t0.Add(at))
	}
	if runs.Load() != 0 {
		t.Fatalf("ran %d times under a dead replica's lease", runs.Load())
	}
	at := t0.Add(time.Minute)
	if err := a.RunOnce(ctx, at); err != nil {
		t.Fatal(err)
	}
	if err := b.RunOnce(ctx, at); err != nil {
		t.Fatal(err)
	}
	if runs.Load() != 1 {
		t.Fatalf("after the lease lapsed: %d runs, want 1", runs.Load())
	}
	// Released at the end of a's run: b may take the next tick.
	if err := b.RunOnce(ctx, at.Add(30*time.Second)); err != nil || runs.Load() != 2 {
		t.Fatalf("next tick: %d runs, %v", runs.Load(), err)
	}
}

// A failing job is reported and does not keep the others from running.
func TestSchedulerRunsEveryJob(t *testing.T) {
	t.Parallel()
	st := storetest.NewSQLite(t)
	var first, second atomic.Int32
	boom := errors.New("boom")
	s, err := sla.NewScheduler(sla.SchedulerParams{Leases: st, Jobs: []sla.Job{counter("one", &first, boom), counter("two", &second, nil)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RunOnce(context.Background(), t0); !errors.Is(err, boom) {
		t.Errorf("RunOnce = %v, want boom", err)
	}
	if first.Load() != 1 || second.Load() != 1 {
		t.Errorf("runs %d, %d", first.Load(), second.Load())
	}
	if _, err := sla.NewScheduler(sla.SchedulerParams{Leases: st, Jobs: []sla.Job{counter("one", &first, nil), counter("one", &first, nil)}}); err == nil {
		t.Error("two jobs of one name accepted")
	}
}

// Run ticks at once and then on the cron, and stops with its context.
// This one test runs on the real clock: the cron's every-second is the
// shortest interval there is.
func TestSchedulerRunsOnTheCron(t *testing.T) {
	t.Parallel()
	st := storetest.NewSQLite(t)
	ticks := make(chan time.Time, 10)
	job := sla.JobFunc("tick", func(_ context.Context, now time.Time) error { ticks <- now; return nil })
	s, err := sla.NewScheduler(sla.SchedulerParams{Interval: time.Second, Leases: st, Jobs: []sla.Job{job}, Clock: clock.Real{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	var got []time.Time
	for len(got) < 2 {
		select {
		case at := <-ticks:
			got = append(got, at)
		case <-time.After(10 * time.Second):
			t.Fatalf("the cron ticked %d times in 10s", len(got))
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
	// The first run is the one at start; the second came from the cron.
	// robfig/cron rounds @every to whole seconds, so the second can follow
	// the first by anything up to the interval (or later on a loaded
	// machine): only an upper bound is a fact.
	if gap := got[1].Sub(got[0]); gap <= 0 || gap > 5*time.Second {
		t.Errorf("ticks %s apart, want within the 1s interval (plus slack)", gap)
	}
}
