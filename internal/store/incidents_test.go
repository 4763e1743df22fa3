package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

var grouping = store.Grouping{Window: 30 * time.Minute, GroupWait: 30 * time.Second, GroupInterval: 5 * time.Minute}

// outage makes an intake a power cut at place.
func outage(place string) func(*cases.Intake) {
	return func(in *cases.Intake) { in.Place, in.Category, in.Content = place, "water_power", place+"停电" }
}

// powerCut is a dispatched complaint about the power at one dormitory.
func powerCut(t *testing.T, s *store.Store, at time.Time, ref string) cases.Case {
	t.Helper()
	out := storetest.NewCase(t, at, "logistics", func(in *cases.Intake) {
		in.Place, in.Category, in.ChannelRef, in.Content = "学生公寓3号楼", "water_power", ref, "学生公寓3号楼停电"
	})
	c, created, err := s.CreateCase(context.Background(), out, store.CreateKey{}, store.Grouped(grouping))
	if err != nil || !created {
		t.Fatalf("create %s: %v, %v", ref, created, err)
	}
	return c
}

// unitNotices counts the messages queued for the case to its lead unit.
func unitNotices(t *testing.T, s *store.Store, c cases.Case) int {
	t.Helper()
	items, err := s.ListOutbox(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.To.Kind == cases.ToUnit && it.To.ID == c.LeadUnit {
			n++
		}
	}
	return n
}

func TestGroupingAtRegistration(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		first := powerCut(t, s, at(0), "m1")
		if _, err := s.IncidentOf(ctx, first.ID); !errors.Is(err, cases.ErrNotFound) {
			t.Fatalf("a lone case is in an incident: %v", err)
		}
		// Another place, another category: no company.
		storetest.Create(t, s, storetest.NewCase(t, at(time.Second), "logistics"))
		second := powerCut(t, s, at(2*time.Minute), "m2")
		third := powerCut(t, s, at(3*time.Minute), "m3")
		inc, err := s.IncidentOf(ctx, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		members, err := s.IncidentCases(ctx, inc.ID)
		if err != nil || len(members) != 3 || members[0].ID != first.ID || members[1].ID != second.ID || members[2].ID != third.ID {
			t.Fatalf("cases of the incident = %s, %v; want %d, %d, %d", ids(members), err, first.ID, second.ID, third.ID)
		}
		// The first case went out on its own; the others only through the
		// incident, whose first notice waits group_wait from its opening.
		if unitNotices(t, s, first) != 1 || unitNotices(t, s, second) != 0 || unitNotices(t, s, third) != 0 {
			t.Errorf("unit notices %d, %d, %d; want 1, 0, 0", unitNotices(t, s, first), unitNotices(t, s, second), unitNotices(t, s, third))
		}
		if !inc.NextNoticeAt.Equal(at(2*time.Minute + 30*time.Second)) {
			t.Errorf("first notice at %s, want the opening plus group_wait", inc.NextNoticeAt)
		}
		evs, _ := s.Events(ctx, second.ID)
		if last := evs[len(evs)-1]; last.Kind != "incident_join" {
			t.Errorf("last event of a joined case = %s", last.Kind)
		}
		// The third joined an incident already open (on PostgreSQL, the
		// two-round-trip join): the same event, and the window slides.
		evs, _ = s.Events(ctx, third.ID)
		if last := evs[len(evs)-1]; last.Kind != "incident_join" || last.Data["incident"] == nil {
			t.Errorf("last event of the third case = %s %v", last.Kind, last.Data)
		}
		if !inc.LastCaseAt.Equal(at(3 * time.Minute)) {
			t.Errorf("newest case at %s, want the third's registration", inc.LastCaseAt)
		}

		// The notice, once claimed, is not claimed again; the next waits
		// group_interval.
		var notices []cases.IncidentNotice
		claim := func(now time.Time) (won bool) {
			t.Helper()
			if err := s.Sweep(ctx, func(tx *store.SweepTx) error {
				var err error
				if notices, err = tx.DueIncidentNotices(ctx, now, 10); err != nil || len(notices) == 0 {
					return err
				}
				won, err = tx.IncidentNotified(ctx, notices[0].Incident.ID, notices[0].Count, now)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return won
		}
		if claim(at(2*time.Minute + 29*time.Second)) {
			t.Fatal("notice claimed before group_wait")
		}
		if !claim(at(3*time.Minute)) || notices[0].Count != 3 || notices[0].Pending != 3 || notices[0].First != first.ID {
			t.Fatalf("notice = %+v", notices)
		}
		if claim(at(3 * time.Minute)) {
			t.Fatal("notice claimed twice")
		}
		fourth := powerCut(t, s, at(4*time.Minute), "m4")
		inc, _ = s.IncidentOf(ctx, fourth.ID)
		if !inc.NextNoticeAt.Equal(at(8 * time.Minute)) {
			t.Errorf("update at %s, want the last notice plus group_interval", inc.NextNoticeAt)
		}

		// By hand: out, and in again.
		if err := s.RemoveFromIncident(ctx, inc.ID, third, "office-1", at(5*time.Minute), grouping); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveFromIncident(ctx, inc.ID, third, "office-1", at(5*time.Minute), grouping); !errors.Is(err, cases.ErrNotFound) {
			t.Fatalf("removing twice: %v", err)
		}
		if err := s.AddToIncident(ctx, inc.ID, third, "office-1", at(6*time.Minute), grouping); err != nil {
			t.Fatal(err)
		}
		other := storetest.Create(t, s, storetest.NewCase(t, at(time.Second), "dormitory"))
		if err := s.AddToIncident(ctx, inc.ID, other, "office-1", at(6*time.Minute), grouping); !errors.Is(err, cases.ErrNotGroupable) {
			t.Fatalf("a case of another unit joined: %v", err)
		}

		// Past the window after its newest case, the incident takes no more.
		late := powerCut(t, s, at(40*time.Minute), "m5")
		if got, err := s.IncidentOf(ctx, late.ID); !errors.Is(err, cases.ErrNotFound) {
			t.Fatalf("a case after the window joined incident %d: %v", got.ID, err)
		}
		if unitNotices(t, s, late) != 1 {
			t.Error("the late case's own notice is missing")
		}
	})
}

// A burst of registrations at once ends in one incident.
func TestGroupingConcurrently(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		first := powerCut(t, s, at(0), "seed")
		var wg sync.WaitGroup
		ids := make([]int64, 20)
		for i := range ids {
			wg.Go(func() { ids[i] = powerCut(t, s, at(time.Minute), fmt.Sprintf("burst-%d", i)).ID })
		}
		wg.Wait()
		inc, err := s.IncidentOf(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		members, err := s.IncidentCases(ctx, inc.ID)
		if err != nil || len(members) != 21 {
			t.Fatalf("incident %d holds %d cases, want 21: %v", inc.ID, len(members), err)
		}
	})
}

// Complaints two by two about one place, each retried many times at once
// (a chat platform's retries, a second replica): every retry answers with
// its complaint's one case, and none fails. The retries of one complaint take
// the incident's key lock and the case's unique index in both orders, by
// the batch and by the incident path; PostgreSQL breaks such a deadlock by
// failing one of them, which the store must retry, not pass on.
func TestRetriedComplaintsOfIncidentsAllAnswer(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		const complaints, retries = 8, 12
		places := []string{"学生公寓3号楼", "图书馆", "第一食堂", "学生公寓5号楼"}
		var wg sync.WaitGroup
		ids := make([][retries]int64, complaints)
		errs := make(chan error, complaints*retries)
		for i := range complaints {
			for j := range retries {
				wg.Go(func() {
					place := places[i%len(places)] // two complaints a place
					out := storetest.NewCase(t, at(0), "logistics", func(in *cases.Intake) {
						in.Place, in.Category, in.ChannelRef, in.Content = place, "water_power", fmt.Sprint("msg-", i), place+"停电"
					})
					c, _, err := s.CreateCase(context.Background(), out, store.CreateKey{}, store.Grouped(grouping))
					if err != nil {
						errs <- fmt.Errorf("complaint %d, retry %d: %w", i, j, err)
					}
					ids[i][j] = c.ID
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for i, got := range ids {
			for _, id := range got {
				if id != got[0] {
					t.Errorf("complaint %d answered with cases %v, want one", i, got)
					break
				}
			}
		}
		if n := countRows(t, s, "cases"); n != complaints {
			t.Errorf("%d cases stored, want %d", n, complaints)
		}
	})
}

// A burst with no incident yet ends in one incident, with only its first
// case announced alone.
func TestGroupingBurstFromNothing(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cs := make([]cases.Case, 20)
		var wg sync.WaitGroup
		for i := range cs {
			wg.Go(func() { cs[i] = powerCut(t, s, at(time.Minute), fmt.Sprintf("burst-%d", i)) })
		}
		wg.Wait()
		inc, err := s.IncidentOf(ctx, cs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		members, err := s.IncidentCases(ctx, inc.ID)
		if err != nil || len(members) != len(cs) {
			t.Fatalf("incident %d holds %d cases, want %d: %v", inc.ID, len(members), len(cs), err)
		}
		alone := 0
		for _, c := range cs {
			alone += unitNotices(t, s, c)
		}
		// Registrations of one day take turns at the day's counter row:
		// only the first is alone, on either database.
		if alone != 1 {
			t.Errorf("%d cases announced on their own, want 1", alone)
		}
	})
}

// A case registered on its own while its building's incident is being
// opened waits for the opening (the key's lock), then sees the incident and
// joins it: it does not commit unseen beside it and stay out.
func TestCaseAloneWaitsForIncidentOpening(t *testing.T) {
	t.Parallel()
	s := storetest.NewPostgres(t)
	ctx := context.Background()
	place := outage("锁测试楼")
	ids, commit, err := s.HoldIncidentOpeningForTest(ctx, []cases.Outcome{
		storetest.NewCase(t, at(0), "logistics", place),
		storetest.NewCase(t, at(time.Minute), "logistics", place),
	}, grouping)
	if err != nil {
		t.Fatal(err)
	}
	defer commit() // on a failure below; a second commit does nothing
	type result struct {
		c   cases.Case
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, _, err := s.CreateCase(ctx, storetest.NewCase(t, at(2*time.Minute), "logistics", place), store.CreateKey{}, store.Grouped(grouping))
		done <- result{c, err}
	}()
	k := cases.GroupKey{LeadUnit: "logistics", Category: "water_power", Place: "锁测试楼"}
	for deadline := time.Now().Add(10 * time.Second); ; {
		n, err := s.KeyLockWaitersForTest(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		select {
		case r := <-done:
			t.Fatalf("registered without waiting for the opening: %+v", r)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the registration never waited for the key's lock")
		}
	}
	if err := commit(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	opened, err := s.IncidentOf(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	joined, err := s.IncidentOf(ctx, r.c.ID)
	if err != nil || joined.ID != opened.ID {
		t.Fatalf("the case is in incident %v (%v), want %d, the one being opened", joined.ID, err, opened.ID)
	}
}
