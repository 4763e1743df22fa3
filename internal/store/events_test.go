package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func TestAppendEvent(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := dispatched(t, s)
		reveal := cases.Event{CaseID: c.ID, Kind: "reveal_contact", Actor: "m-1", ActorUnit: "logistics",
			At: at(time.Minute), From: c.State, To: c.State, Data: map[string]any{"field": "contact"}}
		if err := s.AppendEvent(ctx, reveal); err != nil {
			t.Fatal(err)
		}
		evs, err := s.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 3 || evs[0].Kind != "register" || evs[1].Kind != "dispatch" {
			t.Fatalf("events %+v", evs)
		}
		if d := storetest.Diff(reveal, evs[2]); d != "" {
			t.Errorf("appended event: %s", d)
		}
		// The case itself is untouched.
		if got, _ := s.GetCase(ctx, c.ID); got.Version != c.Version {
			t.Errorf("version moved to %d", got.Version)
		}
		reveal.CaseID = 999
		mustNotFound(t, s.AppendEvent(ctx, reveal))
		if evs, err := s.Events(ctx, 999); err != nil || len(evs) != 0 {
			t.Errorf("events of a missing case: %v, %v", evs, err)
		}
	})
}

func TestEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		c := dispatched(t, s)
		db := s.DBForTest()
		if _, err := db.Exec(`UPDATE case_events SET note = 'rewritten' WHERE case_id = $1`, c.ID); err == nil {
			t.Error("an event was updated")
		}
		if _, err := db.Exec(`DELETE FROM case_events WHERE case_id = $1`, c.ID); err == nil {
			t.Error("an event was deleted")
		}
		if n := countRows(t, s, "case_events"); n != 2 {
			t.Errorf("%d events left", n)
		}
	})
}
