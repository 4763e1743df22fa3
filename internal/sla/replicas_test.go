package sla_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/outbox"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
	"github.com/jiesu/jiesu/templates"
)

// concurrently runs fn for each of n replicas at once and waits for them.
func concurrently(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { fn(i) })
	}
	wg.Wait()
}

// Three replicas on one PostgreSQL sweep the same 1,000 due cases, first
// through their schedulers (the lease lets one sweep), then straight
// through their sweepers (only the step marks stand between them), and
// deliver with three outbox workers: every due step reaches each of its
// recipients exactly once, counted at the fake platforms.
func TestThreeReplicasSendEachStepOnce(t *testing.T) {
	t.Parallel()
	url := storetest.MigratedPostgresURL(t) // one schema, three pools on it
	clk := clock.NewFake(t0)
	ps := newPlatforms(bot.PlatformLog, bot.PlatformSandbox, bot.PlatformWeChat)
	var replicas []*bundle
	for i := range 3 {
		st := storetest.Open(t, store.Options{URL: url})
		if i == 0 {
			if err := st.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		replicas = append(replicas, setup(t, st, clk, ps))
	}
	cfg := replicas[0].cfg

	// 1,000 essential cases over the units; their dispatch notices are
	// left out, this test counts escalations.
	const total = 1000
	perUnit := map[string]int{}
	units := make([]string, total)
	for i := range units {
		units[i] = cfg.Units[i%len(cfg.Units)].ID
		perUnit[units[i]]++
	}
	// Not storetest.Create: its t.Fatalf, off the test goroutine, would
	// only end that creator and leave its share of the cases out, and the
	// test would go on to report the missing cases as missing escalations.
	concurrently(8, func(w int) {
		for i := w; i < total; i += 8 {
			out := storetest.NewCase(t, t0, units[i])
			out.Messages = nil
			if _, created, err := replicas[w%3].st.CreateCase(context.Background(), out, store.CreateKey{}); err != nil || !created {
				t.Errorf("create case %d: created=%v, %v", i, created, err)
				return
			}
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	deliver := func() {
		concurrently(3, func(i int) { replicas[i].drain(t) })
		if t.Failed() { // a sweep's error, or drain's t.Fatal, which only ended its goroutine
			t.FailNow()
		}
	}
	// count sums, per recipient, the cases the escalations shown since
	// `since` speak of.
	count := func(since int) map[string]int {
		got := map[string]int{}
		for _, o := range ps.shown()[since:] {
			got[o.Address.Label] += caseCount(t, o.Message)
		}
		return got
	}
	check := func(got map[string]int, label string, want int) {
		t.Helper()
		if got[label] != want {
			t.Errorf("%s was told of %d cases, want %d", label, got[label], want)
		}
	}

	// 30 min: not accepted → each unit's group and head.
	clk.Set(t0.Add(30 * minute))
	concurrently(3, func(i int) {
		if err := replicas[i].scheduler.RunOnce(context.Background(), clk.Now()); err != nil {
			t.Error(err)
		}
	})
	deliver()
	got := count(0)
	for _, u := range cfg.Units {
		check(got, "unit:"+u.ID, perUnit[u.ID])
		check(got, "member:"+u.Head, perUnit[u.ID])
	}
	shownBefore := len(ps.shown())

	// 1 h: still not accepted, 2 h: not contacted → each unit's head and
	// the school office; three sweeps at once, with no lease between them.
	for _, at := range []time.Duration{hour, 2 * hour} {
		clk.Set(t0.Add(at))
		concurrently(3, func(i int) {
			if _, err := replicas[i].sweeper.RunAt(context.Background(), clk.Now()); err != nil {
				t.Error(err)
			}
		})
		deliver()
		got = count(shownBefore)
		check(got, office, total)
		for _, u := range cfg.Units {
			check(got, "member:"+u.Head, perUnit[u.ID])
		}
		shownBefore = len(ps.shown())
	}

	seen := map[string]bool{}
	for _, o := range ps.shown() {
		k := o.Message.DedupKey + "→" + o.Address.Label
		if seen[k] {
			t.Errorf("shown twice: %s", k)
		}
		seen[k] = true
	}
}

// A replica is killed right after the platform took its escalation and
// before it could record the delivery. Its lease on the message runs out,
// another replica delivers it again with the same dedup key, and a
// platform that deduplicates (WeCom app messages, DingTalk msgUuid) shows
// it once. The WeCom group robot takes no dedup key: it shows it twice,
// which is why delivery is at least once there (docs/guarantees.md).
func TestKilledReplicaIsTakenOverAndShownOnce(t *testing.T) {
	t.Parallel()
	for _, dedup := range []bool{true, false} {
		t.Run(fmt.Sprintf("dedup=%v", dedup), func(t *testing.T) {
			t.Parallel()
			storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				b := setup(t, st, nil, nil)
				log := b.platforms.byName[bot.PlatformLog]
				log.dedup = dedup
				c := urgentCase(t, st, "logistics")
				b.drain(t) // the dispatch notice
				b.clock.Set(t0.Add(10 * minute))
				if _, err := b.sweeper.RunAt(ctx, b.clock.Now()); err != nil {
					t.Fatal(err)
				}

				// Replica A: the platform takes its first message, and A dies.
				r, err := render.New(templates.FS, "", render.BaseFrom(b.cfg))
				if err != nil {
					t.Fatal(err)
				}
				dyingStore := &storetest.Dying{Store: st}
				killed, kill := context.WithCancel(ctx)
				log.onSend = func(bot.Outbound) error {
					dyingStore.Dead.Store(true)
					kill()
					return nil
				}
				a, err := outbox.New(outbox.Params{Store: dyingStore, Renderer: r, Resolver: outbox.NewDirectory(b.cfg),
					Senders: b.platforms.senders(), Clock: b.clock})
				if err != nil {
					t.Fatal(err)
				}
				if n, _ := a.RunOnce(killed); n != 2 {
					t.Fatalf("replica A claimed %d, want the 2 escalations", n)
				}
				log.onSend = nil
				if got := len(log.shownMessages()); got != 2 { // the dispatch notice and the first escalation
					t.Fatalf("shown %d before the takeover", got)
				}

				// Replica B: nothing while A's lease holds; all of it after.
				b.clock.Set(t0.Add(10*minute + 30*time.Second))
				b.drain(t)
				if got := len(log.shownMessages()); got != 2 {
					t.Fatalf("B sent while A's lease held: %d shown", got)
				}
				b.clock.Set(t0.Add(11*minute + time.Second))
				b.drain(t)
				escalations := 0
				for _, o := range log.shownMessages() {
					if o.Message.Template == "escalation" {
						escalations++
					}
				}
				want := 2
				if !dedup {
					want = 3 // the robot shows the first one again
				}
				if escalations != want {
					t.Errorf("escalations shown %d, want %d", escalations, want)
				}
				items, err := st.ListOutbox(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range items {
					if it.State != cases.OutboxSent {
						t.Errorf("%s to %s is %s", it.Template, it.To.ID, it.State)
					}
					if it.Template == "escalation" && it.Attempts != 2 {
						t.Errorf("%s to %s took %d attempts, want 2 (A's and B's)", it.Template, it.To.ID, it.Attempts)
					}
				}
			})
		})
	}
}
