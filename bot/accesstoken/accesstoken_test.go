package accesstoken_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/accesstoken"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/cachetest"
	"github.com/jiesu/jiesu/internal/clock"
)

// platform hands out numbered tokens, as a platform retires the previous
// one on every fetch.
type platform struct{ fetches atomic.Int64 }

func (p *platform) fetch(context.Context) (string, time.Duration, error) {
	return "tok" + strconv.FormatInt(p.fetches.Add(1), 10), 7200 * time.Second, nil
}

// Replicas (two sources on one Redis) fetch once between them.
func TestOneFetchServesReplicas(t *testing.T) {
	t.Parallel()
	r := cachetest.NewRedis(t)
	var p platform
	cfg := accesstoken.Config{Cache: r, Key: "test:token:" + cachetest.UniquePrefix(), Fetch: p.fetch}
	a, b := accesstoken.New(cfg), accesstoken.New(cfg)
	var wg sync.WaitGroup
	toks := make([]string, 8)
	for i := range toks {
		src := a
		if i%2 == 1 {
			src = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := src.Token(context.Background())
			if err != nil {
				t.Error(err)
			}
			toks[i] = tok
		}()
	}
	wg.Wait()
	for _, tok := range toks {
		if tok != "tok1" {
			t.Fatalf("tokens = %v, want tok1 for all", toks)
		}
	}
	if n := p.fetches.Load(); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
}

// A refused token is replaced once; a caller that renews the same stale
// token later gets the replacement, not a third token.
func TestRenewReplacesOnce(t *testing.T) {
	t.Parallel()
	var p platform
	s := accesstoken.New(accesstoken.Config{Cache: cache.NewMemory(nil), Key: "k", Fetch: p.fetch})
	ctx := context.Background()
	stale, _ := s.Token(ctx)
	first, err := s.Renew(ctx, stale)
	if err != nil || first == stale {
		t.Fatalf("Renew = %q, %v", first, err)
	}
	second, err := s.Renew(ctx, stale)
	if err != nil || second != first || p.fetches.Load() != 2 {
		t.Errorf("second Renew of the same stale token = %q after %d fetches, want %q after 2", second, p.fetches.Load(), first)
	}
}

// A token is renewed Margin before it expires, never before half its life.
func TestMargin(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	var p platform
	s := accesstoken.New(accesstoken.Config{Cache: cache.NewMemory(clk), Key: "k", Fetch: p.fetch, Margin: 300 * time.Second})
	ctx := context.Background()
	_, _ = s.Token(ctx)
	clk.Advance(6899 * time.Second)
	if tok, _ := s.Token(ctx); tok != "tok1" {
		t.Errorf("renewed before the margin: %s", tok)
	}
	clk.Advance(2 * time.Second)
	if tok, _ := s.Token(ctx); tok != "tok2" {
		t.Errorf("not renewed within the margin: %s", tok)
	}
	var q platform
	long := accesstoken.New(accesstoken.Config{Cache: cache.NewMemory(clk), Key: "k", Fetch: q.fetch, Margin: 10 * time.Hour})
	_, _ = long.Token(ctx)
	clk.Advance(3599 * time.Second)
	if tok, _ := long.Token(ctx); tok != "tok1" {
		t.Errorf("a margin over the lifetime renewed before half of it: %s", tok)
	}
	clk.Advance(2 * time.Second)
	if tok, _ := long.Token(ctx); tok != "tok2" {
		t.Errorf("not renewed after half the lifetime: %s", tok)
	}
}

// A fetch that fails is the caller's error; nothing is cached.
func TestFetchErrorIsReturned(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	mem := cache.NewMemory(nil)
	s := accesstoken.New(accesstoken.Config{Cache: mem, Key: "k",
		Fetch: func(context.Context) (string, time.Duration, error) { return "", 0, boom }})
	if _, err := s.Token(context.Background()); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	if _, ok, _ := mem.GetString(context.Background(), "k"); ok {
		t.Error("a failed fetch cached something")
	}
}

// A renewal drops the refused token only: a token another replica cached
// since is kept and used, not thrown away with a fetch spent on it.
func TestRenewKeepsANewerToken(t *testing.T) {
	t.Parallel()
	var p platform
	c := cache.NewMemory(nil)
	s := accesstoken.New(accesstoken.Config{Cache: c, Key: "k", Fetch: p.fetch})
	ctx := context.Background()
	stale, _ := s.Token(ctx)
	// Another replica renewed first.
	if err := c.Set("k", "fresh-from-b", time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := s.Renew(ctx, stale)
	if err != nil || got != "fresh-from-b" || p.fetches.Load() != 1 {
		t.Errorf("Renew = %q, %v after %d fetches; want the other replica's token and no fetch", got, err, p.fetches.Load())
	}
}

// A fetch frees its own fetch lock when it is done, and only its own: the
// lock it finds is left to whoever holds it.
func TestFetchLockIsFreedByItsHolderOnly(t *testing.T) {
	t.Parallel()
	c := cache.NewMemory(nil)
	fetch := func(context.Context) (string, time.Duration, error) {
		// This fetch outlived its lock, and another replica took it.
		if err := c.Set("k:fetching", "replica-b", time.Minute); err != nil {
			t.Fatal(err)
		}
		return "tok", time.Hour, nil
	}
	s := accesstoken.New(accesstoken.Config{Cache: c, Key: "k", Fetch: fetch})
	if _, err := s.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := c.GetString(context.Background(), "k:fetching"); !ok || v != "replica-b" {
		t.Errorf("the other replica's fetch lock is %q, %v; want it kept", v, ok)
	}
	// Without the other replica, the fetch leaves no lock behind.
	c2 := cache.NewMemory(nil)
	var p platform
	if _, err := accesstoken.New(accesstoken.Config{Cache: c2, Key: "k", Fetch: p.fetch}).Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := c2.GetString(context.Background(), "k:fetching"); ok {
		t.Error("a fetch left its lock behind")
	}
}

// A token answered without a lifetime is refused, not cached for ever.
func TestTokenWithoutLifetimeIsRefused(t *testing.T) {
	t.Parallel()
	c := cache.NewMemory(nil)
	for _, life := range []time.Duration{0, -time.Second} {
		s := accesstoken.New(accesstoken.Config{Cache: c, Key: "k", Fetch: func(context.Context) (string, time.Duration, error) {
			return "tok-forever", life, nil
		}})
		if tok, err := s.Token(context.Background()); err == nil || tok != "" {
			t.Errorf("lifetime %v: Token = %q, %v; want a refusal", life, tok, err)
		}
		if v, ok, _ := c.GetString(context.Background(), "k"); ok {
			t.Errorf("lifetime %v: %q cached", life, v)
		}
	}
}
