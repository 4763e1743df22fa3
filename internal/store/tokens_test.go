package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.CreateToken(ctx, "m-1", "sha256:aaa", at(0)); err != nil {
			t.Fatal(err)
		}
		member, err := s.TokenMember(ctx, "sha256:aaa")
		if err != nil || member != "m-1" {
			t.Fatalf("token member %q, %v", member, err)
		}
		_, err = s.TokenMember(ctx, "sha256:bbb")
		mustNotFound(t, err)
		if err := s.CreateToken(ctx, "m-2", "sha256:aaa", at(0)); err == nil {
			t.Error("one hash given to two members")
		}
		if err := s.CreateToken(ctx, "", "sha256:ccc", at(0)); err == nil {
			t.Error("token without a member")
		}
	})
}

func TestListAndDeleteTokens(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// a and b share their first 12 characters, which makes that id
		// ambiguous.
		hashes := map[string]string{
			"a": "0123456789ab" + strings.Repeat("a", 52),
			"b": "0123456789ab" + strings.Repeat("b", 52),
			"c": "fedcba987654" + strings.Repeat("c", 52),
		}
		for _, tok := range []struct {
			name, member string
			created      time.Duration
		}{{"c", "m-1", 2 * time.Minute}, {"a", "m-1", 0}, {"b", "m-2", time.Minute}} {
			if err := s.CreateToken(ctx, tok.member, hashes[tok.name], at(tok.created)); err != nil {
				t.Fatal(err)
			}
		}

		all, err := s.ListTokens(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		want := []store.TokenInfo{
			{ID: "0123456789ab", MemberID: "m-1", CreatedAt: at(0)},
			{ID: "0123456789ab", MemberID: "m-2", CreatedAt: at(time.Minute)},
			{ID: "fedcba987654", MemberID: "m-1", CreatedAt: at(2 * time.Minute)},
		}
		if !slices.EqualFunc(all, want, tokenInfoEqual) {
			t.Fatalf("all tokens (-want +got):\n%s", storetest.Diff(want, all))
		}
		mine, err := s.ListTokens(ctx, "m-1")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(mine, []store.TokenInfo{want[0], want[2]}, tokenInfoEqual) {
			t.Fatalf("m-1's tokens = %+v", mine)
		}
		if none, err := s.ListTokens(ctx, "m-9"); err != nil || len(none) != 0 {
			t.Fatalf("tokens of a member without any = %+v, %v", none, err)
		}

		for _, bad := range []string{"", "0123456789a", "0123456789a%", "0123456789ab_", "jsu_0123456789ab", strings.Repeat("a", 65)} {
			if err := s.DeleteToken(ctx, bad); !errors.Is(err, store.ErrTokenIDInvalid) {
				t.Errorf("delete %q = %v, want ErrTokenIDInvalid", bad, err)
			}
		}
		if err := s.DeleteToken(ctx, "0123456789ab"); !errors.Is(err, store.ErrTokenIDAmbiguous) {
			t.Errorf("delete ambiguous id = %v, want ErrTokenIDAmbiguous", err)
		}
		mustNotFound(t, s.DeleteToken(ctx, "0123456789ac"))
		if n := countRows(t, s, "api_tokens"); n != 3 {
			t.Fatalf("%d tokens left after refused deletes, want 3", n)
		}

		// A longer prefix tells the two apart; case does not matter.
		if err := s.DeleteToken(ctx, "0123456789ABB"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteToken(ctx, "fedcba987654"); err != nil {
			t.Fatal(err)
		}
		mustNotFound(t, s.DeleteToken(ctx, "fedcba987654"))
		if _, err := s.TokenMember(ctx, hashes["b"]); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("deleted token still found: %v", err)
		}
		left, err := s.ListTokens(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(left, want[:1], tokenInfoEqual) {
			t.Fatalf("tokens left = %+v, want only a", left)
		}
		// Now unambiguous, the short id deletes a.
		if err := s.DeleteToken(ctx, "0123456789ab"); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, "api_tokens"); n != 0 {
			t.Fatalf("%d tokens left, want none", n)
		}
	})
}

func tokenInfoEqual(a, b store.TokenInfo) bool {
	return a.ID == b.ID && a.MemberID == b.MemberID && a.CreatedAt.Equal(b.CreatedAt)
}
