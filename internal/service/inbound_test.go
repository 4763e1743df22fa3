package service_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// One platform message delivered many times at once, to two replicas (two
// inboxes over one store), runs once and every delivery gets its reply; a
// failed run is forgotten so the next delivery runs afresh.
func TestInboxRunsAMessageOnce(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		svc, _ := newService(t, st)
		replicas := []*service.Inbox{service.NewInbox(svc, nil), service.NewInbox(svc, cache.NewMemory(nil))}
		ctx := context.Background()
		var runs atomic.Int32
		release := make(chan struct{})
		handle := func(context.Context) (string, error) {
			runs.Add(1)
			<-release // keep the others waiting on the claim
			return "已受理，诉求编号 JS20261128-0001。", nil
		}
		var wg sync.WaitGroup
		replies := make([]string, 6)
		for i := range replies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := replicas[i%2].Once(ctx, "wechat_oa", "6054768590064713728", handle)
				if err != nil {
					t.Error(err)
				}
				replies[i] = r
			}()
		}
		close(release)
		wg.Wait()
		if runs.Load() != 1 {
			t.Fatalf("ran %d times", runs.Load())
		}
		for _, r := range replies {
			if r != replies[0] || r == "" {
				t.Fatalf("replies differ: %q", replies)
			}
		}
		// The reply is kept sealed, not in the clear.
		claim, err := st.GetInbound(ctx, "wechat_oa", "6054768590064713728")
		if err != nil || !claim.Done || claim.ReplySealed == replies[0] || claim.ReplySealed == "" {
			t.Errorf("stored = %+v, %v", claim, err)
		}

		boom := errors.New("database down")
		if _, err := replicas[0].Once(ctx, "wechat_oa", "m2", func(context.Context) (string, error) { return "", boom }); !errors.Is(err, boom) {
			t.Fatalf("failed run: %v", err)
		}
		got, err := replicas[1].Once(ctx, "wechat_oa", "m2", func(context.Context) (string, error) { return "second", nil })
		if err != nil || got != "second" {
			t.Errorf("after a failure the retry ran: %q, %v", got, err)
		}
	})
}
