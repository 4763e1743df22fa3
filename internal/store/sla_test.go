package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// dueIDs runs DueCases at now in its own sweep transaction.
func dueIDs(t *testing.T, s *store.Store, now time.Time) []int64 {
	t.Helper()
	var ids []int64
	err := s.Sweep(context.Background(), func(tx *store.SweepTx) error {
		due, err := tx.DueCases(context.Background(), now, 100)
		for _, c := range due {
			ids = append(ids, c.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func setNext(t *testing.T, s *store.Store, next ...store.SLANext) {
	t.Helper()
	if err := s.Sweep(context.Background(), func(tx *store.SweepTx) error { return tx.SetNext(context.Background(), next) }); err != nil {
		t.Fatal(err)
	}
}

// The sweep's cursor: a new case is due at once; moved on, it is due at
// its next step; any transition makes it due again (the trigger), and a
// resolved case is never read again.
func TestSweepCursor(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		c := storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics"))
		registered := storetest.Create(t, s, storetest.NewCase(t, at(0), ""))
		if got := dueIDs(t, s, at(0)); len(got) != 1 || got[0] != c.ID {
			t.Fatalf("due at once = %v, want only the dispatched case %d", got, c.ID)
		}
		setNext(t, s, store.SLANext{CaseID: c.ID, Version: c.Version, At: at(30 * time.Minute)})
		if got := dueIDs(t, s, at(29*time.Minute)); len(got) != 0 {
			t.Fatalf("due before its next step: %v", got)
		}
		if got := dueIDs(t, s, at(30*time.Minute)); len(got) != 1 {
			t.Fatalf("not due at its next step: %v", got)
		}
		// A cursor written for a version the case has left is ignored: the
		// transition already made the case due.
		stale := c.Version
		c = storetest.Transition(t, s, c, storetest.Handler("logistics", "logistics-ma"), cases.Command{Action: cases.ActionAccept}, at(time.Minute))
		setNext(t, s, store.SLANext{CaseID: c.ID, Version: stale, At: at(time.Hour)})
		if got := dueIDs(t, s, at(2*time.Minute)); len(got) != 1 {
			t.Fatalf("after accept, due = %v, want the case", got)
		}
		// Nothing left: never due until it changes.
		setNext(t, s, store.SLANext{CaseID: c.ID, Version: c.Version})
		if got := dueIDs(t, s, at(1000*time.Hour)); len(got) != 0 {
			t.Fatalf("a case with no step left is due: %v", got)
		}
		c = storetest.Transition(t, s, c, storetest.Handler("logistics", "logistics-ma"), cases.Command{Action: cases.ActionContact}, at(3*time.Minute))
		storetest.Transition(t, s, c, storetest.Handler("logistics", "logistics-ma"), cases.Command{Action: cases.ActionResolve, Result: "修好了"}, at(4*time.Minute))
		if got := dueIDs(t, s, at(1000*time.Hour)); len(got) != 0 {
			t.Fatalf("resolved case %d or registered case %d is due: %v", c.ID, registered.ID, got)
		}
	})
}

// A new policy makes every case on the clock due again, once.
func TestSweepPolicyChange(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics"))
		setNext(t, s, store.SLANext{CaseID: c.ID, Version: c.Version, At: at(time.Hour)})
		policy := func(fp string) bool {
			var changed bool
			if err := s.Sweep(ctx, func(tx *store.SweepTx) error {
				var err error
				changed, err = tx.SLAPolicy(ctx, fp)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return changed
		}
		if !policy("a") || policy("a") {
			t.Fatal("first policy not reported as a change, or the same one reported again")
		}
		setNext(t, s, store.SLANext{CaseID: c.ID, Version: c.Version, At: at(time.Hour)})
		if got := dueIDs(t, s, at(0)); len(got) != 0 {
			t.Fatalf("due before its step: %v", got)
		}
		if !policy("b") {
			t.Fatal("a new policy not reported")
		}
		if got := dueIDs(t, s, at(0)); len(got) != 1 {
			t.Fatalf("under a new policy, due = %v, want the case", got)
		}
	})
}

// A step's key is claimed once, however many sweeps race for it.
func TestClaimOnce(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics"))
		var marks []store.SLAMark
		for i := range 50 {
			marks = append(marks, store.SLAMark{Key: fmt.Sprintf("case/%d/step-%02d", c.ID, i), CaseID: c.ID, Outcome: store.SLASent, At: at(0)})
		}
		var (
			mu    sync.Mutex
			total int
			wg    sync.WaitGroup
		)
		for range 4 {
			wg.Go(func() {
				err := s.Sweep(ctx, func(tx *store.SweepTx) error {
					won, err := tx.Claim(ctx, marks)
					mu.Lock()
					total += len(won)
					mu.Unlock()
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if total != len(marks) {
			t.Errorf("4 sweeps won %d claims of %d keys", total, len(marks))
		}
		got, err := s.SLAMarks(ctx, c.ID)
		if err != nil || len(got) != len(marks) {
			t.Fatalf("marks = %d, %v", len(got), err)
		}
	})
}

// One replica holds a job at a time; a lease lapses on its own, and a
// released one is free at once.
func TestJobLeases(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		try := func(holder string, now time.Time) bool {
			t.Helper()
			ok, err := s.TryLease(ctx, "sla", holder, now, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !try("a", at(0)) || try("b", at(30*time.Second)) {
			t.Fatal("a did not get the lease, or b got a's")
		}
		if !try("a", at(30*time.Second)) {
			t.Fatal("a could not renew its own lease")
		}
		if try("b", at(89*time.Second)) || !try("b", at(91*time.Second)) {
			t.Fatal("b got the lease before a's lapsed, or not after")
		}
		if err := s.ReleaseLease(ctx, "sla", "a", at(92*time.Second)); err != nil {
			t.Fatal(err)
		}
		if try("a", at(92*time.Second)) {
			t.Fatal("a's late release freed b's lease")
		}
		// b's run is over: it keeps the job to the end of its interval.
		if err := s.ReleaseLease(ctx, "sla", "b", at(120*time.Second)); err != nil {
			t.Fatal(err)
		}
		if try("a", at(119*time.Second)) || !try("a", at(120*time.Second)) {
			t.Fatal("a released lease is not free at its end, or before it")
		}
		// Another job's lease is its own.
		if ok, err := s.TryLease(ctx, "incidents", "c", at(92*time.Second), time.Minute); err != nil || !ok {
			t.Fatalf("another job's lease: %v, %v", ok, err)
		}
	})
}
