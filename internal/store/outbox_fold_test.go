package store_test

import (
	"context"
	"testing"
	"time"

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
		if folded[0].Attempts != 1 || folded[0].State != store.OutboxSending {
			t.Errorf("folded item = %+v, want sending at attempt 1", folded[0])
		}
		// What is claimed is no longer due; one alone is not a group.
		if groups, _ := s.DueFolds(ctx, next, 10); len(groups) != 0 {
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
		// The rest is claimed the ordinary way.
		rest, err := s.ClaimOutbox(ctx, next, time.Minute, 10)
		if err != nil || len(rest) != 2 || rest[0].Attempts != 1 {
			t.Fatalf("rest = %+v, %v", rest, err)
		}
	})
}
