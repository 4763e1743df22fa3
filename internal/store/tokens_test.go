package store_test

import (
	"context"
	"testing"

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
