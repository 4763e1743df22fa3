package store_test

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// queued stores n dispatched cases; each queues one case_dispatched message
// due at the epoch.
func queued(t *testing.T, s *store.Store, n int) {
	t.Helper()
	for range n {
		dispatched(t, s)
	}
}

// day is a lease long enough that no test outlives it by accident.
const day = 24 * time.Hour

func claimIDs(items []cases.OutboxItem) []int64 {
	var out []int64
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestClaimOutbox(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		queued(t, s, 3)
		if got, err := s.ClaimOutbox(ctx, at(-time.Second), time.Minute, 10); err != nil || len(got) != 0 {
			t.Fatalf("claimed before due: %v, %v", got, err)
		}
		now := at(time.Second)
		first, err := s.ClaimOutbox(ctx, now, time.Minute, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 2 || first[0].ID >= first[1].ID {
			t.Fatalf("first claim %v, want the two oldest in order", claimIDs(first))
		}
		for _, it := range first {
			if it.State != cases.OutboxSending || it.Attempts != 1 || !it.LeaseUntil.Equal(now.Add(time.Minute)) {
				t.Errorf("claimed item %+v", it)
			}
		}
		rest, err := s.ClaimOutbox(ctx, now, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(rest) != 1 || rest[0].ID <= first[1].ID {
			t.Fatalf("second claim %v after %v", claimIDs(rest), claimIDs(first))
		}
		if got, _ := s.ClaimOutbox(ctx, now, time.Minute, 10); len(got) != 0 {
			t.Fatalf("claimed leased messages again: %v", claimIDs(got))
		}
		counts, err := s.OutboxCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts[cases.OutboxSending] != 3 || counts[cases.OutboxPending] != 0 || len(counts) != 3 {
			t.Errorf("counts %v", counts)
		}
	})
}

func TestOutboxLeaseExpiry(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		queued(t, s, 1)
		claimed, _ := s.ClaimOutbox(ctx, at(0), time.Minute, 10)
		if len(claimed) != 1 {
			t.Fatalf("claimed %d", len(claimed))
		}
		// The replica dies. At the lease's end exactly it still holds…
		if got, _ := s.ClaimOutbox(ctx, at(time.Minute), time.Minute, 10); len(got) != 0 {
			t.Fatalf("reclaimed at the lease's end: %v", claimIDs(got))
		}
		// …and just after it another replica takes over, with a second attempt.
		again, err := s.ClaimOutbox(ctx, at(time.Minute+time.Millisecond), time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 1 || again[0].ID != claimed[0].ID || again[0].Attempts != 2 {
			t.Fatalf("reclaim %+v", again)
		}
		// The first replica was only slow. What it reports of its stale
		// claim changes nothing of the second's: a retry or a giving-up
		// would let a third replica claim the message while the second
		// still sends it, and a deferral would undo its attempt.
		id := claimed[0].ID
		for _, err := range []error{
			s.MarkRetry(ctx, id, 1, "timeout", at(time.Minute)),
			s.MarkDead(ctx, id, 1, "refused", at(time.Minute)),
			s.DeferOutbox(ctx, id, 1, at(time.Minute), "fold", 5),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := s.ClaimOutbox(ctx, at(90*time.Second), time.Minute, 10); len(got) != 0 {
			t.Fatalf("claimed while the second replica's lease holds: %+v", got)
		}
		list, err := s.ListOutbox(ctx, claimed[0].CaseID)
		if err != nil || len(list) != 1 || list[0].State != cases.OutboxSending || list[0].Attempts != 2 || list[0].LastError != "" {
			t.Fatalf("after stale reports: %+v, %v", list, err)
		}
		// Only the holder can renew its lease; a renewed lease keeps others out.
		if held, err := s.RenewOutbox(ctx, id, 1, at(10*time.Minute)); err != nil || held {
			t.Fatalf("stale claim renewed: %v, %v", held, err)
		}
		if held, err := s.RenewOutbox(ctx, id, 2, at(3*time.Minute)); err != nil || !held {
			t.Fatalf("holder's renewal: %v, %v", held, err)
		}
		if got, _ := s.ClaimOutbox(ctx, at(150*time.Second), time.Minute, 10); len(got) != 0 {
			t.Fatalf("claimed within the renewed lease: %+v", got)
		}
		// The second's own report counts.
		if err := s.MarkRetry(ctx, id, 2, "timeout", at(90*time.Second)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ClaimOutbox(ctx, at(90*time.Second), time.Minute, 10); len(got) != 1 || got[0].Attempts != 3 {
			t.Fatalf("after the holder's retry: %+v", got)
		}
	})
}

func TestOutboxRetrySentDead(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		queued(t, s, 2)
		claimed, _ := s.ClaimOutbox(ctx, at(0), day, 10)
		if len(claimed) != 2 {
			t.Fatalf("claimed %d", len(claimed))
		}
		a, b := claimed[0].ID, claimed[1].ID

		// a fails once, is retried later and then delivered.
		if err := s.MarkRetry(ctx, a, 1, "429 too many requests", at(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ClaimOutbox(ctx, at(30*time.Minute), day, 10); len(got) != 0 {
			t.Fatalf("retried before its time: %v", claimIDs(got))
		}
		retry, _ := s.ClaimOutbox(ctx, at(time.Hour), day, 10)
		if len(retry) != 1 || retry[0].ID != a || retry[0].Attempts != 2 || retry[0].LastError != "429 too many requests" {
			t.Fatalf("retry claim %+v", retry)
		}
		if err := s.MarkSent(ctx, a, "sandbox", "msg-1", at(time.Hour+time.Second)); err != nil {
			t.Fatal(err)
		}
		// b is refused for good.
		if err := s.MarkDead(ctx, b, 1, "40003 invalid openid", at(time.Minute)); err != nil {
			t.Fatal(err)
		}
		// A late report from a replica whose lease was taken over changes
		// nothing: sent stays sent, dead stays dead.
		if err := s.MarkRetry(ctx, a, 2, "timeout", at(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkSent(ctx, a, "other", "msg-2", at(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkRetry(ctx, b, 1, "timeout", at(2*time.Hour)); err != nil {
			t.Fatal(err)
		}

		items := map[int64]cases.OutboxItem{}
		for _, id := range []int64{1, 2} {
			list, err := s.ListOutbox(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range list {
				items[it.ID] = it
			}
		}
		if it := items[a]; it.State != cases.OutboxSent || it.Platform != "sandbox" || it.PlatformMsgID != "msg-1" ||
			!it.SentAt.Equal(at(time.Hour+time.Second)) || it.LastError != "" || !it.LeaseUntil.IsZero() {
			t.Errorf("sent item %+v", it)
		}
		if it := items[b]; it.State != cases.OutboxDead || it.LastError != "40003 invalid openid" || !it.LeaseUntil.IsZero() {
			t.Errorf("dead item %+v", it)
		}
		if got, _ := s.ClaimOutbox(ctx, at(10*time.Hour), day, 10); len(got) != 0 {
			t.Errorf("claimed finished messages: %v", claimIDs(got))
		}
		counts, _ := s.OutboxCounts(ctx)
		if want := (map[cases.OutboxState]int{cases.OutboxDead: 1, cases.OutboxPending: 0, cases.OutboxSending: 0}); !maps.Equal(counts, want) {
			t.Errorf("counts (-want +got; sent is not counted):\n%s", storetest.Diff(want, counts))
		}
		for _, err := range []error{
			s.MarkSent(ctx, 999, "x", "y", at(0)),
			s.MarkRetry(ctx, 999, 1, "x", at(0)),
			s.MarkDead(ctx, 999, 1, "x", at(0)),
		} {
			mustNotFound(t, err)
		}
	})
}

func TestEnqueueDeduplicates(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := dispatched(t, s)
		remind := cases.OutboxItem{CaseID: c.ID, Template: "remind_contact", To: cases.Recipient{Kind: cases.ToUnit, ID: "logistics"},
			Data: map[string]string{"step": "1"}, DedupKey: "remind/1/contact/0"}
		report := cases.OutboxItem{Template: "weekly_report", To: cases.Recipient{Kind: cases.ToRole, ID: "leader"},
			DedupKey: "report/2026-W48", NextAttemptAt: at(time.Hour)}
		n, err := s.Enqueue(ctx, []cases.OutboxItem{remind, report}, at(time.Minute))
		if err != nil || n != 2 {
			t.Fatalf("enqueue: %d, %v", n, err)
		}
		// The sweep runs again: nothing new.
		if n, err := s.Enqueue(ctx, []cases.OutboxItem{remind, report}, at(2*time.Minute)); err != nil || n != 0 {
			t.Fatalf("enqueue again: %d, %v", n, err)
		}
		if _, err := s.Enqueue(ctx, []cases.OutboxItem{{Template: "x", To: cases.Recipient{Kind: cases.ToRole}}}, at(0)); err == nil {
			t.Error("queued without a dedup key")
		}
		due, _ := s.ClaimOutbox(ctx, at(time.Minute), day, 10)
		// The dispatch message (due at the epoch) and the reminder; the
		// report waits for its hour.
		if len(due) != 2 || due[1].Template != "remind_contact" || due[1].Data["step"] != "1" {
			t.Fatalf("due %+v", due)
		}
		later, _ := s.ClaimOutbox(ctx, at(time.Hour), day, 10)
		if len(later) != 1 || later[0].CaseID != 0 || later[0].Template != "weekly_report" {
			t.Fatalf("later %+v", later)
		}
	})
}

// TestConcurrentClaimers checks the claim's SKIP LOCKED on PostgreSQL: four
// workers claiming small batches at once never share a message and, between
// them, take every one.
func TestConcurrentClaimers(t *testing.T) {
	t.Parallel()
	s := storetest.NewPostgres(t)
	ctx := context.Background()
	const total = 200
	items := make([]cases.OutboxItem, total)
	for i := range items {
		items[i] = cases.OutboxItem{Template: "t", To: cases.Recipient{Kind: cases.ToRole, ID: "leader"}, DedupKey: fmt.Sprint("k", i)}
	}
	if n, err := s.Enqueue(ctx, items, at(0)); err != nil || n != total {
		t.Fatalf("enqueue %d: %v", n, err)
	}
	var (
		mu    sync.Mutex
		owner = map[int64]int{}
		wg    sync.WaitGroup
	)
	for w := range 4 {
		wg.Go(func() {
			for {
				got, err := s.ClaimOutbox(ctx, at(time.Second), time.Hour, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, it := range got {
					if prev, dup := owner[it.ID]; dup {
						t.Errorf("message %d claimed by worker %d and %d", it.ID, prev, w)
					}
					owner[it.ID] = w
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if len(owner) != total {
		t.Fatalf("claimed %d of %d", len(owner), total)
	}
}

func TestDelayedMessagesWaitAndKeepTheirCondition(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := dispatched(t, s)
		out := storetest.Apply(t, c, storetest.Handler("logistics", "logistics-ma"), cases.Command{Action: cases.ActionAccept}, at(time.Minute))
		out.Messages = []cases.Message{{Template: "case_survey", To: cases.Recipient{Kind: cases.ToComplainant},
			Delay: day, OnlyWhile: cases.StateFeedbackGiven}}
		if err := s.ApplyOutcome(ctx, c.Version, out); err != nil {
			t.Fatal(err)
		}
		// The dispatch notice is due at once; the survey a day later.
		first, err := s.ClaimOutbox(ctx, at(2*time.Minute), time.Minute, 10)
		if err != nil || len(first) != 1 || first[0].Template != "case_dispatched" {
			t.Fatalf("claim before the delay: %+v, %v", first, err)
		}
		if err := s.MarkSent(ctx, first[0].ID, "log", "1", at(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		later, err := s.ClaimOutbox(ctx, at(time.Minute+day), time.Minute, 10)
		if err != nil || len(later) != 1 {
			t.Fatalf("claim after the delay: %+v, %v", later, err)
		}
		if it := later[0]; it.Template != "case_survey" || it.OnlyWhile != cases.StateFeedbackGiven || !it.NextAttemptAt.Equal(at(time.Minute+day)) {
			t.Errorf("delayed item %+v", it)
		}
	})
}
