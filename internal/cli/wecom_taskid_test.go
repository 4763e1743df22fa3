package cli

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/wecom"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// A new database on the same WeCom app (a reinstall, a move from SQLite to
// PostgreSQL, staging beside production) numbers its first case as the old
// one did and stores it under the same ids: its 接单 card still reaches the
// handlers, and is recorded sent only because it was.
func TestCardsOfANewDatabaseOnTheSameAppArrive(t *testing.T) {
	t.Parallel()
	old := newHarness(t, storetest.NewSQLite(t))
	moved := buildHarness(t, storetest.NewPostgres(t), harnessSetup{app: old})
	a := old.complaint("学生公寓1号楼水管漏水")
	old.drain()
	b := moved.complaint("学生公寓1号楼水管漏水")
	moved.drain()
	if a.Number != b.Number || a.ID != b.ID {
		t.Fatalf("cases %s/%d and %s/%d: the scenario needs the same number and id", a.Number, a.ID, b.Number, b.ID)
	}
	if n := old.offers(userMa, a.Number); n != 2 {
		t.Errorf("马超 holds %d cards of %s, want one from each database", n, a.Number)
	}
	items, err := moved.store.ListOutbox(context.Background(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.State != cases.OutboxSent {
			t.Errorf("%s %s: %s (%s)", it.Template, it.Data["_delivery"], it.State, it.LastError)
		}
	}
}

// killHarness is a harness whose worker dies when kill, given each card
// WeCom takes, says so; revive brings a replica back on the same store.
func killHarness(t *testing.T, st *store.Store, kill func(wecom.TemplateCard) bool) (*harness, *storetest.Dying) {
	k := &storetest.Dying{Store: st}
	var armed atomic.Bool
	armed.Store(true)
	h := buildHarness(t, st, harnessSetup{
		outboxStore: k,
		config:      []harnessOption{func(c *config.Config) { c.Outbox.Lease = 10 * time.Second }},
	})
	h.fake.OnCard = func(c wecom.TemplateCard, _ time.Time) {
		if armed.Load() && kill(c) {
			armed.Store(false)
			k.Dead.Store(true)
		}
	}
	return h, k
}

// burst registers n complaints at once, each its own case.
func (h *harness) burst(n int, from int) []string {
	var numbers []string
	for i := range n {
		numbers = append(numbers, h.complaint(fmt.Sprintf("我们宿舍第%d间没有热水", from+i)).Number)
	}
	return numbers
}

// runKilled runs one round of the worker of a replica that dies in it.
func (h *harness) runKilled(k *storetest.Dying) {
	h.t.Helper()
	_, _ = h.worker.RunOnce(context.Background()) // fails to record, as it dies
	if !k.Dead.Load() {
		h.t.Fatal("the replica was not killed")
	}
	k.Dead.Store(false) // another replica, on the same database
}

// A replica is killed between a card's send and its record. Its claim runs
// out while the handlers' list is full, and cards wait to be folded into a
// digest: the card that may have arrived goes again alone, under its
// task_id, which WeCom answers with 42014; the handlers see the case once.
func TestCardSentBeforeAKillIsNotFoldedIntoADigest(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h, k := killHarness(t, st, func(c wecom.TemplateCard) bool { return c.ButtonSelection == nil })
		c := h.complaint("学生公寓1号楼水管漏水")
		first := c.Number
		h.runKilled(k)
		// Its claim holds: 25 more cases fill the handlers' 20 cards a
		// minute, and the rest wait, foldable.
		numbers := h.burst(25, 0)
		h.drain()
		h.clock.Advance(11 * time.Second) // the killed claim ran out
		h.drain()
		h.settle(10)
		if n := h.offers(userMa, first); n != 1 {
			t.Errorf("马超 was offered %s on %d cards, want 1", first, n)
		}
		for _, num := range numbers {
			if n := h.offers(userMa, num); n != 1 {
				t.Errorf("马超 was offered %s on %d cards, want 1", num, n)
			}
		}
		items, _ := st.ListOutbox(context.Background(), c.ID)
		for _, it := range items {
			if it.State != cases.OutboxSent {
				t.Errorf("%s %s: %s (%s)", it.Template, it.Data["_delivery"], it.State, it.LastError)
			}
		}
	})
}

// A replica is killed between a digest card's send and its record. The
// digest's cases go again as that digest, under its task_id, not each on
// a card of its own: the handlers see each case once.
func TestDigestSentBeforeAKillGoesAgainAsThatDigest(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h, k := killHarness(t, st, func(c wecom.TemplateCard) bool { return c.ButtonSelection != nil })
		numbers := h.burst(26, 0)
		// The handlers' list fills, and what waits is folded: the first
		// digest card reaches WeCom, and its record does not.
		for i := 0; !k.Dead.Load(); i++ {
			if i > 100 {
				t.Fatal("no digest card was sent")
			}
			if n, _ := h.worker.RunOnce(context.Background()); n == 0 && !k.Dead.Load() {
				h.clock.Advance(time.Minute)
			}
		}
		k.Dead.Store(false) // another replica, on the same database
		h.clock.Advance(11 * time.Second)
		h.settle(10)
		digests := 0
		for _, c := range h.fake.Cards(userMa) {
			if c.Card.ButtonSelection != nil {
				digests++
			}
		}
		// The backlog may fold into more than one digest, as its messages
		// came due; the killed one went again under its own task_id, so
		// no case is on two cards.
		if digests == 0 {
			t.Error("no digest card")
		}
		for _, num := range numbers {
			if n := h.offers(userMa, num); n != 1 {
				t.Errorf("马超 was offered %s on %d cards, want 1", num, n)
			}
		}
	})
}
