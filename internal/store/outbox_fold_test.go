package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func TestDeferAndFold(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := storetest.Epoch()
		claimed := queueClaimed(t, s, "fold-test", 4, t0)
		// Three wait for the same robot; the fourth waits unfoldable.
		next := t0.Add(time.Minute)
		for i, it := range claimed {
			key := "wecom:robot:abc"
			if i == 3 {
				key = ""
			}
			if err := s.DeferOutbox(ctx, it.ID, it.Attempts, next, key, 2); err != nil {
				t.Fatal(err)
			}
		}
		// Deferring does not use an attempt, and a message no longer
		// "sending" is left alone.
		if err := s.DeferOutbox(ctx, claimed[0].ID, claimed[0].Attempts, t0, "other", 5); err != nil {
			t.Fatal(err)
		}
		if groups, _ := s.DueFolds(ctx, t0, 10); len(groups) != 0 {
			t.Fatalf("folds due before next: %+v", groups)
		}
		groups, err := s.DueFolds(ctx, next, 10)
		if err != nil || len(groups) != 1 || groups[0] != (store.FoldGroup{Key: "wecom:robot:abc", Count: 3, Max: 2}) {
			t.Fatalf("DueFolds = %+v, %v", groups, err)
		}
		folded, err := s.ClaimFold(ctx, "wecom:robot:abc", next, time.Minute, groups[0].Max)
		if err != nil || len(folded) != 2 || folded[0].ID != claimed[0].ID || folded[1].ID != claimed[1].ID {
			t.Fatalf("ClaimFold = %+v, %v", folded, err)
		}
		if folded[0].Attempts != 1 || folded[0].State != cases.OutboxSending {
			t.Errorf("folded item = %+v, want sending at attempt 1", folded[0])
		}
		// One left waiting is still the fold's: the ordinary claim leaves
		// it, and takes only the unfoldable message.
		if groups, _ := s.DueFolds(ctx, next, 10); len(groups) != 1 || groups[0].Count != 1 {
			t.Errorf("DueFolds after the claim = %+v", groups)
		}
		for _, it := range folded {
			if err := s.MarkSent(ctx, it.ID, "wecom", "digest-1", next); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Unfold(ctx, []int64{folded[0].ID, folded[1].ID}); err != nil {
			t.Fatal(err)
		}
		rest, err := s.ClaimOutbox(ctx, next, time.Minute, 10)
		if err != nil || len(rest) != 1 || rest[0].ID != claimed[3].ID || rest[0].Attempts != 1 {
			t.Fatalf("rest = %+v, %v", rest, err)
		}
		to := cases.Recipient{Kind: cases.ToUnit, ID: "logistics"}
		if b, err := s.BacklogOf(ctx, "wecom:robot:abc", to); err != nil || b != (store.Backlog{Held: 1}) {
			t.Errorf("BacklogOf = %+v, %v; want the one left held", b, err)
		}
		// The limit has no room before later: what waits under the key
		// waits until then, and the digest then takes it, due or not.
		later := next.Add(time.Minute)
		if err := s.DeferFold(ctx, "wecom:robot:abc", later); err != nil {
			t.Fatal(err)
		}
		if groups, _ := s.DueFolds(ctx, next, 10); len(groups) != 0 {
			t.Errorf("DueFolds after DeferFold = %+v", groups)
		}
		if last, err := s.ClaimFold(ctx, "wecom:robot:abc", next, time.Minute, 5); err != nil || len(last) != 1 || last[0].ID != claimed[2].ID {
			t.Errorf("ClaimFold of what waits = %+v, %v", last, err)
		}
		if _, err := s.Enqueue(ctx, []cases.OutboxItem{{Template: "case_dispatched", To: to, DedupKey: "fold-test/new"}}, next); err != nil {
			t.Fatal(err)
		}
		if b, _ := s.BacklogOf(ctx, "wecom:robot:abc", to); b != (store.Backlog{Pending: 1}) {
			t.Errorf("BacklogOf = %+v; want one new message pending, none held", b)
		}
	})
}
