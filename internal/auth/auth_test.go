package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

type bundle struct {
	store  *store.Store
	clock  *clock.Fake
	tokens *auth.Tokens
}

// setup returns Tokens over a fresh SQLite store and the example config,
// whose members include office-wang and hotline-chen.
func setup(t *testing.T, opts auth.Options) *bundle {
	t.Helper()
	cfg, err := config.Load("", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.NewSQLite(t)
	clk := clock.NewFake(storetest.Epoch())
	opts.Clock = clk
	return &bundle{store: st, clock: clk, tokens: auth.New(st, cfg, opts)}
}

func (b *bundle) create(t *testing.T, member string) string {
	t.Helper()
	token, err := b.tokens.Create(context.Background(), member, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// authenticates fails the test unless token authenticates as member.
func (b *bundle) authenticates(t *testing.T, token, member string) {
	t.Helper()
	actor, err := b.tokens.Authenticate(context.Background(), "Bearer "+token)
	if err != nil || actor.MemberID != member {
		t.Fatalf("authenticate = %q, %v; want %s", actor.MemberID, err, member)
	}
}

// refused fails the test unless token is unauthenticated.
func (b *bundle) refused(t *testing.T, token string) {
	t.Helper()
	if actor, err := b.tokens.Authenticate(context.Background(), "Bearer "+token); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("authenticate = %q, %v; want ErrUnauthenticated", actor.MemberID, err)
	}
}

// deleteElsewhere deletes a token's row behind the Tokens' back, as the CLI
// does from another process.
func (b *bundle) deleteElsewhere(t *testing.T, token string) {
	t.Helper()
	if err := b.store.DeleteToken(context.Background(), tokenID(token)); err != nil {
		t.Fatal(err)
	}
}

func tokenID(token string) string { return auth.Hash(token)[:store.TokenIDLen] }

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	b := setup(t, auth.Options{})
	token := b.create(t, "office-wang")
	b.authenticates(t, token, "office-wang")
	for _, header := range []string{"", token, "Bearer ", "Bearer " + strings.TrimPrefix(token, "jsu_"), "Basic " + token} {
		if _, err := b.tokens.Authenticate(context.Background(), header); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("header %q: %v, want ErrUnauthenticated", header, err)
		}
	}
	if _, err := b.tokens.Create(context.Background(), "nobody", b.clock.Now()); err == nil {
		t.Error("token for a member not in the config")
	}
}

// A lookup is not repeated within the TTL: the row deleted by another
// process goes unnoticed until then.
func TestCachedLookupLastsTheTTL(t *testing.T) {
	t.Parallel()
	b := setup(t, auth.Options{})
	token := b.create(t, "office-wang")
	b.authenticates(t, token, "office-wang")
	b.deleteElsewhere(t, token)
	b.authenticates(t, token, "office-wang")
	b.clock.Advance(auth.DefaultCacheTTL - time.Nanosecond)
	b.authenticates(t, token, "office-wang")
	b.clock.Advance(time.Nanosecond)
	b.refused(t, token)
}

func TestUnknownTokenIsNotCached(t *testing.T) {
	t.Parallel()
	b := setup(t, auth.Options{})
	token := "jsu_not-yet-in-the-store"
	b.refused(t, token)
	if err := b.store.CreateToken(context.Background(), "hotline-chen", auth.Hash(token), b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	b.authenticates(t, token, "hotline-chen")
}

func TestRevokeIsImmediateHere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, auth.Options{})
	revoked, kept := b.create(t, "office-wang"), b.create(t, "office-wang")
	b.authenticates(t, revoked, "office-wang")
	b.authenticates(t, kept, "office-wang")
	if err := b.tokens.Revoke(ctx, strings.ToUpper(tokenID(revoked))); err != nil {
		t.Fatal(err)
	}
	b.refused(t, revoked)
	b.authenticates(t, kept, "office-wang")
	if err := b.tokens.Revoke(ctx, tokenID(revoked)); !errors.Is(err, cases.ErrNotFound) {
		t.Errorf("second revoke = %v, want ErrNotFound", err)
	}
	if err := b.tokens.Revoke(ctx, tokenID(kept)[:store.TokenIDLen-1]); !errors.Is(err, store.ErrTokenIDInvalid) {
		t.Errorf("revoke by a short id = %v, want ErrTokenIDInvalid", err)
	}
	b.authenticates(t, kept, "office-wang")

	// Deleted by another process first, the token is still cached here
	// until Revoke, which finds nothing to delete, drops it.
	b.deleteElsewhere(t, kept)
	b.authenticates(t, kept, "office-wang")
	if err := b.tokens.Revoke(ctx, tokenID(kept)); !errors.Is(err, cases.ErrNotFound) {
		t.Errorf("revoke of a token deleted elsewhere = %v, want ErrNotFound", err)
	}
	b.refused(t, kept)
}

// A full cache first drops what has expired, and only if that frees no room
// starts over.
func TestCacheIsBounded(t *testing.T) {
	t.Parallel()
	b := setup(t, auth.Options{CacheSize: 2, CacheTTL: 30 * time.Second})
	first, second, third := b.create(t, "office-wang"), b.create(t, "hotline-chen"), b.create(t, "office-wang")
	b.authenticates(t, first, "office-wang")
	b.clock.Advance(20 * time.Second)
	b.authenticates(t, second, "hotline-chen")
	b.clock.Advance(15 * time.Second) // first has expired, second has not
	b.authenticates(t, third, "office-wang")
	for _, token := range []string{first, second, third} {
		b.deleteElsewhere(t, token)
	}
	b.authenticates(t, second, "hotline-chen")
	b.authenticates(t, third, "office-wang")
	b.refused(t, first)

	// Full of live entries: a new one clears the cache.
	fourth := b.create(t, "hotline-chen")
	b.authenticates(t, fourth, "hotline-chen")
	b.refused(t, second)
	b.refused(t, third)
	b.deleteElsewhere(t, fourth)
	b.authenticates(t, fourth, "hotline-chen")
}

func TestNegativeTTLTurnsTheCacheOff(t *testing.T) {
	t.Parallel()
	b := setup(t, auth.Options{CacheTTL: -1})
	token := b.create(t, "office-wang")
	b.authenticates(t, token, "office-wang")
	b.deleteElsewhere(t, token)
	b.refused(t, token)
}

// TestConcurrentUse is meant for -race: requests check tokens while one is
// revoked, and after the revocation returns no request accepts it.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	b := setup(t, auth.Options{})
	revoked, kept := b.create(t, "office-wang"), b.create(t, "hotline-chen")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				_, _ = b.tokens.Authenticate(context.Background(), "Bearer "+revoked)
				if _, err := b.tokens.Authenticate(context.Background(), "Bearer "+kept); err != nil {
					t.Errorf("kept token: %v", err)
					return
				}
			}
		})
	}
	if err := b.tokens.Revoke(context.Background(), tokenID(revoked)); err != nil {
		t.Error(err)
	}
	wg.Wait()
	b.refused(t, revoked)
}
