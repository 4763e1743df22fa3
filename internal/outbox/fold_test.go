package outbox

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
	"github.com/jiesu/jiesu/templates"
)

// plannerSender plans a unit's group message as a notice and a card, each
// under its own limit and foldable, like WeCom's robot and app.
type plannerSender struct {
	fakeSender
	clock   *clock.Fake
	max     int // per minute, for each part
	foldMax int // messages to a digest; 0: 3
	parts   []string

	mu       sync.Mutex
	times    map[string][]time.Time // per part, when each send went out
	failOnce map[string]error       // per part, the error of its next send
}

func (p *plannerSender) Plan(out bot.Outbound) []bot.Delivery {
	foldMax := p.foldMax
	if foldMax == 0 {
		foldMax = 3
	}
	var ds []bot.Delivery
	for _, part := range p.parts {
		if out.Part != "" && out.Part != part {
			continue
		}
		ds = append(ds, bot.Delivery{Part: part,
			Limits: []bot.Limit{{Key: "test:" + part + ":" + out.Address.IDs[0], Max: p.max, Window: time.Minute}},
			Fold:   "test:" + part + ":" + out.Address.IDs[0], FoldMax: foldMax, DigestTemplate: "digest_notice"})
	}
	return ds
}

func (p *plannerSender) Send(ctx context.Context, out bot.Outbound) (bot.SendResult, error) {
	p.mu.Lock()
	ferr := p.failOnce[out.Part]
	delete(p.failOnce, out.Part)
	p.mu.Unlock()
	res, err := p.fakeSender.Send(ctx, out)
	if err == nil {
		err = ferr
	}
	if err == nil {
		p.mu.Lock()
		p.times[out.Part] = append(p.times[out.Part], p.clock.Now())
		p.mu.Unlock()
	}
	return res, err
}

type storeBundle struct {
	store  *store.Store
	clock  *clock.Fake
	sender *plannerSender
	worker *Worker
}

func setupStore(t *testing.T, s *store.Store, max int, parts ...string) *storeBundle {
	t.Helper()
	r, err := render.New(templates.FS, "", render.Base{BaseURL: "https://jiesu.example.edu.cn"})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(storetest.Epoch())
	ps := &plannerSender{fakeSender: fakeSender{platform: bot.PlatformWeCom}, clock: clk, max: max, parts: parts,
		times: map[string][]time.Time{}, failOnce: map[string]error{}}
	w, err := New(Params{
		Config: Config{Batch: 10, MaxAttempts: 4, Backoff: time.Second, MaxBackoff: time.Second, Lease: time.Minute},
		Store:  s, Renderer: r, Resolver: NewDirectory(testConfig()), Senders: []bot.Sender{ps}, Clock: clk,
		Jitter: func(c time.Duration) time.Duration { return c },
	})
	if err != nil {
		t.Fatal(err)
	}
	return &storeBundle{store: s, clock: clk, sender: ps, worker: w}
}

// drain runs rounds until one claims nothing.
func (b *storeBundle) drain(t *testing.T) {
	t.Helper()
	for range 100 {
		n, err := b.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("RunOnce: %v", err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the outbox never ran dry")
}

func TestSplitPartsRetryAlone(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		b := setupStore(t, s, 20, "notice", "card")
		c := storetest.Create(t, s, storetest.NewCase(t, storetest.Epoch(), "logistics"))
		b.sender.failOnce["card"] = errors.New("connection reset")
		b.drain(t)
		b.clock.Advance(time.Second) // the card's backoff
		b.drain(t)

		var notices, cards int
		for _, o := range b.sender.outbounds() {
			switch o.Part {
			case "notice":
				notices++
			case "card":
				cards++
			}
			if o.Address.IDs[0] != "wr-logistics" || o.Message.Title != "新诉求 "+c.Number {
				t.Errorf("outbound = %+v", o)
			}
		}
		// The failed card was tried again; the notice, sent, was not.
		if notices != 1 || cards != 2 {
			t.Fatalf("notices %d, cards %d; want 1 and 2", notices, cards)
		}
		items, err := s.ListOutbox(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The message stands for its first part, the notice; the card
		// is a message of its own, which alone was tried again.
		if len(items) != 2 || items[0].State != cases.OutboxSent || items[0].Attempts != 1 {
			t.Fatalf("outbox = %+v", items)
		}
		if it := items[1]; it.State != cases.OutboxSent || it.Data[deliveryKey] != "0/card" || it.Attempts != 2 ||
			it.DedupKey != items[0].DedupKey+"/0/card" {
			t.Errorf("card part = %+v", it)
		}
	})
}

func TestRateLimitHoldsAndFolds(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		b := setupStore(t, s, 2, "notice")
		var ids []int64
		for range 10 {
			c := storetest.Create(t, s, storetest.NewCase(t, storetest.Epoch(), "logistics"))
			ids = append(ids, c.ID)
		}
		b.drain(t)
		if got := len(b.sender.outbounds()); got != 2 {
			t.Fatalf("first minute sent %d, want the limit's 2", got)
		}
		for range 4 {
			b.clock.Advance(time.Minute)
			b.drain(t)
		}
		out := b.sender.outbounds()
		// 2 alone, then digests of at most 3: 3+3 in the second minute,
		// 2 in the third.
		messages := 0
		for _, o := range out {
			if n := len(o.Message.Digest); n > 0 {
				if n > 3 || o.Message.Title != "消息汇总（"+itoa(n)+"条）" {
					t.Errorf("digest of %d: %q", n, o.Message.Title)
				}
				messages += n
			} else {
				messages++
			}
		}
		if messages != 10 || len(out) != 5 {
			t.Errorf("%d sends carried %d messages; want 5 sends with all 10", len(out), messages)
		}
		times := b.sender.times["notice"]
		for i := range times {
			n := 0
			for _, t2 := range times[i:] {
				if t2.Before(times[i].Add(time.Minute)) {
					n++
				}
			}
			if n > 2 {
				t.Errorf("%d sends in the minute from %v", n, times[i])
			}
		}
		for _, id := range ids {
			items, err := s.ListOutbox(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				// Waiting for room used no attempt.
				if it.State != cases.OutboxSent || it.Attempts != 1 {
					t.Errorf("item %d: %s after %d attempts", it.ID, it.State, it.Attempts)
				}
			}
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// Each digest's claim leases its messages from its own time: a slow first
// digest does not leave the next claim's lease already spent, so that its
// digest is not cut short, nor sent while another replica may claim it.
func TestDigestClaimsLeaseFromTheirOwnTime(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		b := setupStore(t, s, 1, "notice", "card")
		storetest.Create(t, s, storetest.NewCase(t, storetest.Epoch(), "logistics"))
		b.drain(t) // its notice and card fill their limits
		for range 2 {
			storetest.Create(t, s, storetest.NewCase(t, storetest.Epoch(), "logistics"))
		}
		b.drain(t) // two of each wait, foldable
		b.clock.Advance(time.Minute)
		slow := true // the first digest takes longer than a lease
		b.sender.onSend = func() {
			if slow {
				slow = false
				b.clock.Advance(70 * time.Second)
			}
		}
		if _, err := b.worker.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		digests := 0
		for _, o := range b.sender.outbounds() {
			if len(o.Message.Digest) == 2 {
				digests++
			}
		}
		if digests != 2 {
			t.Fatalf("%d digests of two went out in the round, want one per part", digests)
		}
		for id := int64(1); id <= 3; id++ {
			items, err := s.ListOutbox(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.State != cases.OutboxSent || it.Attempts != 1 {
					t.Errorf("item %d (%s): %s after %d attempts", it.ID, it.Data[deliveryKey], it.State, it.Attempts)
				}
			}
		}
	})
}

// On a store that can defer, a message given back because the worker
// stopped keeps its attempts as they were: the stop is not its failure.
func TestStopGivesBackWithoutAnAttempt(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		b := setupStore(t, s, 20) // no parts: the message goes whole
		c := storetest.Create(t, s, storetest.NewCase(t, storetest.Epoch(), "logistics"))
		ctx, stop := context.WithCancel(context.Background())
		b.sender.onSend = stop
		b.sender.always = context.Canceled
		if _, err := b.worker.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		items, err := s.ListOutbox(context.Background(), c.ID)
		if err != nil || len(items) != 1 {
			t.Fatalf("outbox %+v, %v", items, err)
		}
		if it := items[0]; it.State != cases.OutboxPending || it.Attempts != 0 || it.NextAttemptAt.After(b.clock.Now()) {
			t.Errorf("given back as %+v; want pending, due now, no attempt counted", it)
		}
	})
}
