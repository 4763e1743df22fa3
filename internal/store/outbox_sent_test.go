package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// The installation id is made once per database and kept; another
// database has its own.
func TestInstallationIDIsMadeOnceAndKept(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		id, err := s.InstallationID(ctx, storetest.Epoch())
		if err != nil || len(id) != 16 {
			t.Fatalf("InstallationID = %q, %v", id, err)
		}
		again, err := s.InstallationID(ctx, storetest.Epoch().Add(time.Hour))
		if err != nil || again != id {
			t.Errorf("asked again: %q, %v; want %q", again, err, id)
		}
		other, err := storetest.NewSQLite(t).InstallationID(ctx, storetest.Epoch())
		if err != nil || other == id {
			t.Errorf("another database: %q, %v; want an id other than %q", other, err, id)
		}
	})
}

// What a message was handed over as is recorded only under its claim, for
// every message of a digest or none, and the messages of one digest are
// claimed again together, whenever they are due.
func TestSentAsIsKeptAndClaimedTogether(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := storetest.Epoch()
		claimed := queueClaimed(t, s, "sent-as", 3, t0)
		claims := func(its ...cases.OutboxItem) []store.OutboxClaim {
			var out []store.OutboxClaim
			for _, it := range its {
				out = append(out, store.OutboxClaim{ID: it.ID, Attempt: it.Attempts})
			}
			return out
		}
		// A stale claim (attempt 2 of a message at its first) records
		// nothing, not even for the message whose claim holds.
		stale := claims(claimed[0], claimed[1])
		stale[1].Attempt++
		if held, err := s.MarkSentAs(ctx, stale, "digest/x"); err != nil || held {
			t.Fatalf("MarkSentAs with a stale claim = %v, %v", held, err)
		}
		if held, err := s.MarkSentAs(ctx, claims(claimed[0], claimed[1]), "digest/sent-as/0"); err != nil || !held {
			t.Fatalf("MarkSentAs = %v, %v", held, err)
		}
		// The digest failed: its messages wait, due at different times.
		if err := s.MarkRetry(ctx, claimed[0].ID, 1, "timeout", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkRetry(ctx, claimed[2].ID, 1, "timeout", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		// The first comes back alone; the second, still claimed, is not
		// taken until its lease runs out; the third was never in it.
		got, err := s.ClaimSentAs(ctx, "digest/sent-as/0", t0, time.Minute)
		if err != nil || len(got) != 1 || got[0].ID != claimed[0].ID || got[0].SentAs != "digest/sent-as/0" || got[0].Attempts != 2 {
			t.Fatalf("ClaimSentAs = %+v, %v", got, err)
		}
		got, err = s.ClaimSentAs(ctx, "digest/sent-as/0", t0.Add(2*time.Minute), time.Minute)
		if err != nil || len(got) != 2 || got[0].ID != claimed[0].ID || got[1].ID != claimed[1].ID {
			t.Fatalf("ClaimSentAs after the leases = %+v, %v", got, err)
		}
		if got, err := s.ClaimSentAs(ctx, "", t0.Add(time.Hour), time.Minute); err != nil || len(got) != 0 {
			t.Errorf("ClaimSentAs of no key = %+v, %v", got, err)
		}
	})
}

// queueClaimed queues n dispatch messages keyed prefix/i at t0 and claims
// them.
func queueClaimed(t *testing.T, s *store.Store, prefix string, n int, t0 time.Time) []cases.OutboxItem {
	t.Helper()
	ctx := context.Background()
	var items []cases.OutboxItem
	for i := range n {
		items = append(items, cases.OutboxItem{Template: "case_dispatched",
			To: cases.Recipient{Kind: cases.ToUnit, ID: "logistics"}, DedupKey: fmt.Sprintf("%s/%d", prefix, i)})
	}
	if got, err := s.Enqueue(ctx, items, t0); err != nil || got != n {
		t.Fatalf("Enqueue = %d, %v", got, err)
	}
	claimed, err := s.ClaimOutbox(ctx, t0, time.Minute, 10)
	if err != nil || len(claimed) != n {
		t.Fatalf("claim = %d, %v", len(claimed), err)
	}
	return claimed
}
