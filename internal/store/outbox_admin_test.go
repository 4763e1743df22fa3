package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// killed claims the n oldest due messages and marks them dead at when.
func killed(t *testing.T, s *store.Store, n int, when time.Time) []int64 {
	t.Helper()
	items, err := s.ClaimOutbox(context.Background(), when, day, n)
	if err != nil || len(items) != n {
		t.Fatalf("claim %d: %v, %v", n, claimIDs(items), err)
	}
	for _, it := range items {
		if err := s.MarkDead(context.Background(), it.ID, it.Attempts, "40003 invalid openid", when); err != nil {
			t.Fatal(err)
		}
	}
	return claimIDs(items)
}

func TestDeadLettersListRetryDrop(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		queued(t, s, 4)
		early := killed(t, s, 2, at(time.Hour))
		late := killed(t, s, 1, at(3*time.Hour))
		pending, err := s.FindOutbox(ctx, store.OutboxFilter{State: cases.OutboxPending})
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending: %v, %v", claimIDs(pending), err)
		}

		dead, err := s.FindOutbox(ctx, store.OutboxFilter{State: cases.OutboxDead})
		if err != nil || !slices.Equal(claimIDs(dead), append(slices.Clone(early), late...)) {
			t.Fatalf("dead = %v, %v; want %v then %v", claimIDs(dead), err, early, late)
		}
		if !dead[0].DeadAt.Equal(at(time.Hour)) || dead[0].LastError != "40003 invalid openid" {
			t.Errorf("dead letter %+v", dead[0])
		}
		byCase, _ := s.FindOutbox(ctx, store.OutboxFilter{CaseID: dead[0].CaseID})
		if len(byCase) != 1 || byCase[0].ID != early[0] {
			t.Errorf("case %d's messages: %v", dead[0].CaseID, claimIDs(byCase))
		}

		// One retry: pending again, attempts from zero, due at once, audited.
		act := store.OutboxAct{Actor: "office-wang", At: at(5 * time.Hour), Note: "openid fixed"}
		if err := s.RetryOutbox(ctx, early[0], act); err != nil {
			t.Fatal(err)
		}
		again, err := s.ClaimOutbox(ctx, at(5*time.Hour), day, 10)
		if err != nil || len(again) != 2 || again[0].ID != early[0] || again[0].Attempts != 1 {
			t.Fatalf("claim after retry: %+v, %v", again, err)
		}
		if err := s.RetryOutbox(ctx, early[0], act); !errors.Is(err, cases.ErrOutboxState) {
			t.Errorf("retry of a message being sent: %v, want ErrOutboxState", err)
		}
		if err := s.DropOutbox(ctx, early[0], act); !errors.Is(err, cases.ErrOutboxState) {
			t.Errorf("drop of a message being sent: %v, want ErrOutboxState", err)
		}
		for _, it := range again {
			if err := s.MarkSent(ctx, it.ID, "log", "", at(5*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}

		// All dead since 2 h: only the late one.
		ids, err := s.RetryDeadOutbox(ctx, at(2*time.Hour), act)
		if err != nil || !slices.Equal(ids, late) {
			t.Errorf("retry since 2h = %v, %v; want %v", ids, err, late)
		}

		// Drop: never claimed again, not counted as dead, refused twice.
		if err := s.DropOutbox(ctx, early[1], store.OutboxAct{Actor: "cli:root", At: at(6 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := s.DropOutbox(ctx, early[1], act); !errors.Is(err, cases.ErrOutboxState) {
			t.Errorf("second drop: %v, want ErrOutboxState", err)
		}
		if err := s.DropOutbox(ctx, late[0], act); err != nil {
			t.Errorf("drop of a pending message: %v", err)
		}
		if got, _ := s.ClaimOutbox(ctx, at(10*day), day, 10); len(got) != 0 {
			t.Errorf("claimed after drop: %v", claimIDs(got))
		}
		counts, _ := s.OutboxCounts(ctx)
		if counts[cases.OutboxDead] != 0 {
			t.Errorf("dead count %d after retry and drop", counts[cases.OutboxDead])
		}
		dropped, _ := s.FindOutbox(ctx, store.OutboxFilter{State: cases.OutboxDropped})
		if !slices.Equal(claimIDs(dropped), []int64{early[1], late[0]}) {
			t.Errorf("dropped = %v", claimIDs(dropped))
		}

		evs, err := s.OutboxEvents(ctx, early[1])
		if err != nil || len(evs) != 1 {
			t.Fatalf("audit of %d: %+v, %v", early[1], evs, err)
		}
		if e := evs[0]; e.Action != store.OutboxActionDrop || e.Actor != "cli:root" || e.FromState != cases.OutboxDead || !e.At.Equal(at(6*time.Hour)) {
			t.Errorf("drop event %+v", e)
		}
		evs, _ = s.OutboxEvents(ctx, late[0])
		if len(evs) != 2 || evs[0].Action != store.OutboxActionRetry || evs[0].Note != "openid fixed" || evs[1].FromState != cases.OutboxPending {
			t.Errorf("audit of %d: %+v", late[0], evs)
		}
		mustNotFound(t, s.RetryOutbox(ctx, 999, act))
		mustNotFound(t, s.DropOutbox(ctx, 999, act))
	})
}
