package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// Complaints at one gate in one category, about three problems: only those
// about the same problem make an incident, each join records the case it
// is most like and how alike, and the others go to the unit on their own.
// Both registration paths run: PostgreSQL's pipelined join and groupNew.
func TestIncidentJoinNeedsTheSameProblem(t *testing.T) {
	t.Parallel()
	g := grouping
	g.MinSimilarity = 10
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		create := func(after time.Duration, ref, content string) cases.Case {
			t.Helper()
			out := storetest.NewCase(t, at(after), "logistics", func(in *cases.Intake) {
				in.Place, in.Category, in.ChannelRef, in.Content = "东门", "gate", ref, content
			})
			c, created, err := s.CreateCase(ctx, out, store.CreateKey{}, store.Grouped(g))
			if err != nil || !created {
				t.Fatalf("create %s: %v, %v", ref, created, err)
			}
			return c
		}
		barrier := create(0, "g1", "东门的道闸坏了，车辆进不来")
		guard := create(time.Minute, "g2", "东门保安态度太差，对学生大吼大叫<script>")
		if _, err := s.IncidentOf(ctx, guard.ID); !errors.Is(err, cases.ErrNotFound) {
			t.Fatalf("a complaint about the guard joined one about the barrier: %v", err)
		}
		again := create(2*time.Minute, "g3", "东门道闸抬不起来，车都堵在门口了")
		bikes := create(3*time.Minute, "g4", "东门门口的共享单车乱停")
		third := create(4*time.Minute, "g5", "东门道闸又坏了，车辆排长队")
		inc, err := s.IncidentOf(ctx, again.ID)
		if err != nil {
			t.Fatal(err)
		}
		members, err := s.IncidentCases(ctx, inc.ID)
		if err != nil || len(members) != 3 || members[0].ID != barrier.ID || members[1].ID != again.ID || members[2].ID != third.ID {
			t.Fatalf("cases of the incident = %s, %v; want the three about the barrier", ids(members), err)
		}
		for _, alone := range []cases.Case{guard, bikes} {
			if _, err := s.IncidentOf(ctx, alone.ID); !errors.Is(err, cases.ErrNotFound) {
				t.Errorf("%q is in an incident: %v", alone.Content, err)
			}
			if n := unitNotices(t, s, alone); n != 1 {
				t.Errorf("%q: %d notices to the unit, want its own", alone.Content, n)
			}
		}
		// Each join says why: the case it is most like, and how alike.
		for c, like := range map[int64]int64{barrier.ID: again.ID, again.ID: barrier.ID, third.ID: barrier.ID} {
			evs, err := s.Events(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			var join *cases.Event
			for i := range evs {
				if evs[i].Kind == "incident_join" {
					join = &evs[i]
				}
			}
			if join == nil {
				t.Errorf("case %d: no incident_join event", c)
				continue
			}
			sim, _ := join.Data["similarity"].(float64)
			if join.Data["similar_to"] != float64(like) || sim < 10 || sim > 100 {
				t.Errorf("case %d joined with %v, want similar_to %d and a similarity of 10–100", c, join.Data, like)
			}
		}
	})
}
