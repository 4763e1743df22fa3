package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func TestChatCards(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := storetest.Epoch()
		single := cases.ChatCard{Platform: "wecom", TaskID: "JS1-a", ResponseCode: "rc-send", CodeAt: t0, CreatedAt: t0}
		if err := s.SaveCard(ctx, single, []string{"JS1"}); err != nil {
			t.Fatal(err)
		}
		// A retried send saves again: the first record stays.
		again := single
		again.ResponseCode = "rc-other"
		if err := s.SaveCard(ctx, again, []string{"JS1"}); err != nil {
			t.Fatal(err)
		}
		digest := cases.ChatCard{Platform: "wecom", TaskID: "digest-1", Digest: true, ResponseCode: "rc-d", CodeAt: t0, CreatedAt: t0.Add(time.Second)}
		if err := s.SaveCard(ctx, digest, []string{"JS1", "JS2"}); err != nil {
			t.Fatal(err)
		}
		open, err := s.OpenCards(ctx, "wecom", "JS1")
		if err != nil || len(open) != 2 || open[0].TaskID != "JS1-a" || open[0].ResponseCode != "rc-send" || open[0].Digest || !open[1].Digest {
			t.Fatalf("open cards of JS1 = %+v, %v", open, err)
		}
		if other, _ := s.OpenCards(ctx, "dingtalk", "JS1"); len(other) != 0 {
			t.Errorf("another platform sees %d cards", len(other))
		}

		// A press brings a newer code; the code is good once.
		if err := s.SetCardCode(ctx, "wecom", "JS1-a", "rc-press", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		code, err := s.TakeCardCode(ctx, "wecom", "JS1-a", t0.Add(-72*time.Hour))
		if err != nil || code != "rc-press" {
			t.Fatalf("TakeCardCode = %q, %v", code, err)
		}
		if _, err := s.TakeCardCode(ctx, "wecom", "JS1-a", t0); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("second take = %v, want ErrNotFound", err)
		}
		// An expired code is not taken.
		if _, err := s.TakeCardCode(ctx, "wecom", "digest-1", t0.Add(time.Hour)); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("expired take = %v, want ErrNotFound", err)
		}

		if err := s.CloseCard(ctx, "wecom", "JS1-a", "", t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseCard(ctx, "wecom", "digest-1", "JS1", t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if open, _ := s.OpenCards(ctx, "wecom", "JS1"); len(open) != 0 {
			t.Errorf("closed cards still open: %+v", open)
		}
		if open, _ := s.OpenCards(ctx, "wecom", "JS2"); len(open) != 1 {
			t.Errorf("closing the digest for JS1 closed it for JS2: %+v", open)
		}
		// A closed card takes no new code.
		_ = s.SetCardCode(ctx, "wecom", "JS1-a", "rc-late", t0.Add(3*time.Minute))
		if _, err := s.TakeCardCode(ctx, "wecom", "JS1-a", t0); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("closed card gave a code: %v", err)
		}
	})
}

func TestCardCodeTakenOnce(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := storetest.Epoch()
		if err := s.SaveCard(ctx, cases.ChatCard{Platform: "wecom", TaskID: "t", ResponseCode: "rc", CodeAt: t0, CreatedAt: t0}, []string{"JS1", "JS2"}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := 0
		for range 8 {
			wg.Go(func() {
				if _, err := s.TakeCardCode(ctx, "wecom", "t", t0.Add(-time.Hour)); err == nil {
					mu.Lock()
					got++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if got != 1 {
			t.Errorf("%d takers got the code, want 1", got)
		}
	})
}
