package wechat_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/wechat"
	"github.com/jiesu/jiesu/internal/cachetest"
	"github.com/jiesu/jiesu/internal/clock"
)

// Replicas share the account's token through Redis: one fetch serves all,
// and a token one of them drops is renewed once for all.
func TestTokenIsSharedThroughRedis(t *testing.T) {
	t.Parallel()
	r := cachetest.NewRedis(t)
	clk := clock.NewFake(time.Now())
	fake := fakes.NewFakeWeChat(t, clk)
	cfg := testConfig()
	cfg.APIBase = fake.URL()
	a, b2 := wechat.NewAPI(cfg, r, nil), wechat.NewAPI(cfg, r, nil)
	var wg sync.WaitGroup
	toks := make([]string, 8)
	for i := range toks {
		api := a
		if i%2 == 1 {
			api = b2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := api.Token(context.Background())
			if err != nil {
				t.Error(err)
			}
			toks[i] = tok
		}()
	}
	wg.Wait()
	for _, tok := range toks {
		if tok != toks[0] || tok == "" {
			t.Fatalf("tokens differ: %v", toks)
		}
	}
	if n := len(fake.Calls(fakes.WeChatPathToken)); n != 1 {
		t.Errorf("%d token fetches for two replicas, want 1", n)
	}
	// The library's own client reads the same key.
	oa := wechat.NewOfficialAccount(cfg, r, a)
	if tok, err := oa.GetAccessToken(); err != nil || tok != toks[0] {
		t.Errorf("library token = %q, %v", tok, err)
	}
}
