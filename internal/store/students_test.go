package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func TestComplainants(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, err := s.GetComplainant(ctx, cases.ChannelWeChatOA, "o1")
		mustNotFound(t, err)
		c, err := s.TouchComplainant(ctx, cases.ChannelWeChatOA, "o1", at(0))
		if err != nil || !c.LastMessageAt.Equal(at(0)) || c.ContactState != cases.ContactNeverAsked {
			t.Fatalf("first touch = %+v, %v", c, err)
		}
		c, err = s.UpdateComplainant(ctx, cases.ChannelWeChatOA, "o1", at(1*time.Minute), func(c *cases.ChatComplainant) error {
			c.ContactState, c.AskedAt = cases.ContactAsked, at(1*time.Minute)
			return nil
		})
		if err != nil || c.ContactState != cases.ContactAsked {
			t.Fatalf("update = %+v, %v", c, err)
		}
		// A refusing fn writes nothing.
		boom := errors.New("boom")
		if _, err := s.UpdateComplainant(ctx, cases.ChannelWeChatOA, "o1", at(2*time.Minute), func(c *cases.ChatComplainant) error {
			c.ContactState = cases.ContactBound
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("refused update: %v", err)
		}
		c, err = s.TouchComplainant(ctx, cases.ChannelWeChatOA, "o1", at(3*time.Minute))
		if err != nil || c.ContactState != cases.ContactAsked || !c.AskedAt.Equal(at(1*time.Minute)) || !c.LastMessageAt.Equal(at(3*time.Minute)) {
			t.Fatalf("second touch = %+v, %v", c, err)
		}
		// Another channel is another person.
		if other, err := s.TouchComplainant(ctx, cases.ChannelWeb, "o1", at(3*time.Minute)); err != nil || other.ContactState != "" {
			t.Fatalf("web o1 = %+v, %v", other, err)
		}
		// Asking is once: the second ask says so.
		if ok, err := s.AskContact(ctx, cases.ChannelWeChatOA, "o1", at(2*time.Minute)); err != nil || ok {
			t.Errorf("ask an asked complainant = %v, %v", ok, err)
		}
		if _, err := s.TouchComplainant(ctx, cases.ChannelWeChatOA, "o3", at(0)); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.AskContact(ctx, cases.ChannelWeChatOA, "o3", at(0)); err != nil || !ok {
			t.Errorf("first ask = %v, %v", ok, err)
		}
		if ok, _ := s.AskContact(ctx, cases.ChannelWeChatOA, "o3", at(0)); ok {
			t.Error("asked twice")
		}
		asked, err := s.ComplainantsAskedBefore(ctx, at(2*time.Minute), 10)
		if err != nil || len(asked) != 2 || asked[0].Identity != "o3" || asked[1].Identity != "o1" {
			t.Fatalf("asked before = %+v, %v", asked, err)
		}
		if asked, _ := s.ComplainantsAskedBefore(ctx, at(1*time.Minute), 10); len(asked) != 1 || asked[0].Identity != "o3" {
			t.Errorf("asked before o1's question: %+v", asked)
		}
	})
}

func TestConcurrentComplainantUpdatesSerialise(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.UpdateComplainant(ctx, cases.ChannelWeChatOA, "o2", at(0), func(c *cases.ChatComplainant) error {
					c.ContactMasked += "x"
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		c, err := s.GetComplainant(ctx, cases.ChannelWeChatOA, "o2")
		if err != nil || c.ContactMasked != "xxxxxxxx" {
			t.Fatalf("after 8 updates: %q, %v (an update was lost)", c.ContactMasked, err)
		}
	})
}

func TestInboundClaims(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const ch = "wechat_oa"
		lease := 30 * time.Second
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := s.ClaimInbound(ctx, ch, "m1", at(0), lease)
				if err != nil {
					t.Error(err)
				}
				if c.Claimed {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d claims of one message, want 1", wins.Load())
		}
		c, err := s.ClaimInbound(ctx, ch, "m1", at(0).Add(time.Second), lease)
		if err != nil || c.Claimed || c.Done {
			t.Fatalf("claim while processing = %+v, %v", c, err)
		}
		// The lease ran out: the claimer died; a retry takes over.
		c, err = s.ClaimInbound(ctx, ch, "m1", at(0).Add(lease+time.Second), lease)
		if err != nil || !c.Claimed {
			t.Fatalf("claim after the lease = %+v, %v", c, err)
		}
		if err := s.FinishInbound(ctx, ch, "m1", "sealed-reply"); err != nil {
			t.Fatal(err)
		}
		c, err = s.ClaimInbound(ctx, ch, "m1", at(0).Add(time.Hour), lease)
		if err != nil || c.Claimed || !c.Done || c.ReplySealed != "sealed-reply" {
			t.Fatalf("claim when done = %+v, %v", c, err)
		}
		// A failed handling is released at once.
		if c, _ := s.ClaimInbound(ctx, ch, "m2", at(0), lease); !c.Claimed {
			t.Fatal("m2 not claimed")
		}
		if err := s.ReleaseInbound(ctx, ch, "m2"); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.ClaimInbound(ctx, ch, "m2", at(0), lease); !c.Claimed {
			t.Fatal("m2 not claimable after release")
		}
		// Release never forgets a finished message.
		if err := s.ReleaseInbound(ctx, ch, "m1"); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.GetInbound(ctx, ch, "m1"); !c.Done {
			t.Fatal("release dropped a finished message")
		}
		n, err := s.PruneInbound(ctx, at(0).Add(time.Millisecond))
		if err != nil || n != 2 {
			t.Fatalf("prune = %d, %v", n, err)
		}
	})
}

func TestAttachmentsAndAwaitingRating(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics", func(in *cases.Intake) { in.Channel = cases.ChannelWeChatOA }))
		a := cases.Attachment{CaseID: c.ID, Kind: "image", Platform: "wechat", MediaID: "MEDIA1", SourceRef: "m9", State: cases.AttachmentPending, CreatedAt: at(0)}
		got, created, err := s.AddAttachment(ctx, a)
		if err != nil || !created || got.ID == 0 {
			t.Fatalf("add = %+v %v %v", got, created, err)
		}
		again, created, err := s.AddAttachment(ctx, a)
		if err != nil || created || again.ID != got.ID {
			t.Fatalf("add again = %+v %v %v", again, created, err)
		}
		pending, err := s.PendingAttachments(ctx, 10)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending = %+v, %v", pending, err)
		}
		if err := s.MarkAttachmentFailed(ctx, got.ID, "timeout", false); err != nil {
			t.Fatal(err)
		}
		got.Path, got.ContentType, got.Size, got.SHA256 = "2026/11/ab.jpg", "image/jpeg", 3, "ab"
		if err := s.MarkAttachmentStored(ctx, got, at(1*time.Minute)); err != nil {
			t.Fatal(err)
		}
		list, err := s.Attachments(ctx, c.ID)
		if err != nil || len(list) != 1 || list[0].State != cases.AttachmentStored || list[0].Attempts != 2 || list[0].Path != "2026/11/ab.jpg" || !list[0].StoredAt.Equal(at(1*time.Minute)) {
			t.Fatalf("attachments = %+v, %v", list, err)
		}
		if pending, _ := s.PendingAttachments(ctx, 10); len(pending) != 0 {
			t.Errorf("still pending: %+v", pending)
		}

		latest, err := s.LatestOpenCase(ctx, cases.ChannelWeChatOA, "openid-1")
		if err != nil || latest.ID != c.ID {
			t.Fatalf("latest open = case %d, %v; want %d", latest.ID, err, c.ID)
		}
		_, err = s.LatestOpenCase(ctx, cases.ChannelWeb, "openid-1")
		mustNotFound(t, err)

		// Feedback at 1 h; the list at 1 h includes it, just before does not.
		accepted := storetest.Transition(t, s, c, storetest.Handler("logistics", "l1"), cases.Command{Action: cases.ActionAccept}, at(0))
		contacted := storetest.Transition(t, s, accepted, storetest.Handler("logistics", "l1"), cases.Command{Action: cases.ActionContact}, at(0))
		done := storetest.Transition(t, s, contacted, storetest.Handler("logistics", "l1"), cases.Command{Action: cases.ActionResolve, Result: "ok"}, at(1*time.Minute))
		if done.State != cases.StateFeedbackGiven {
			t.Fatalf("state %s", done.State)
		}
		_, err = s.LatestOpenCase(ctx, cases.ChannelWeChatOA, "openid-1")
		mustNotFound(t, err)
		list2, err := s.AwaitingRating(ctx, at(1*time.Minute), at(1*time.Minute), 10)
		if err != nil || len(list2) != 1 || list2[0].ID != c.ID {
			t.Fatalf("awaiting = %s, %v; want %d", ids(list2), err, c.ID)
		}
		if list2, _ := s.AwaitingRating(ctx, at(1*time.Minute).Add(-time.Second), at(1*time.Minute).Add(-time.Second), 10); len(list2) != 0 {
			t.Errorf("awaiting before feedback: %d", len(list2))
		}
		// A chat case goes by the chat cutoff alone; a hotline case, fed
		// back at the same time, by the other.
		call := storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics", func(in *cases.Intake) { in.Channel, in.ChannelRef = cases.ChannelHotline1234, "CALL-9" }))
		for _, a := range []cases.Action{cases.ActionAccept, cases.ActionContact, cases.ActionResolve} {
			call = storetest.Transition(t, s, call, storetest.Handler("logistics", "l1"), cases.Command{Action: a, Result: "ok"}, at(1*time.Minute))
		}
		call = storetest.Transition(t, s, call, storetest.Office(), cases.Command{Action: cases.ActionFeedback, Note: "已回电"}, at(1*time.Minute))
		if call.State != cases.StateFeedbackGiven {
			t.Fatalf("hotline case is %s", call.State)
		}
		if list2, _ := s.AwaitingRating(ctx, at(0), at(1*time.Minute), 10); len(list2) != 1 || list2[0].ID != call.ID {
			t.Errorf("awaiting with the chat cutoff before feedback and the other at it: %s; want %d", ids(list2), call.ID)
		}
	})
}

// TouchComplainant says whether the person has a case still with a unit,
// so that most messages need no second look.
func TestTouchComplainantSeesOpenCase(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		touch := func() bool {
			t.Helper()
			c, err := s.TouchComplainant(ctx, cases.ChannelWeChatOA, "o-open", at(0))
			if err != nil {
				t.Fatal(err)
			}
			return c.HasOpenCase
		}
		if touch() {
			t.Fatal("a new person has an open case")
		}
		c := storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics", func(in *cases.Intake) {
			in.Channel, in.Complainant.Identity = cases.ChannelWeChatOA, "o-open"
		}))
		if !touch() {
			t.Fatal("the open case was not seen")
		}
		out := storetest.Apply(t, c, cases.SystemActor(), cases.Command{Action: cases.ActionWithdraw}, at(time.Minute))
		if err := s.ApplyOutcome(ctx, c.Version, out); err != nil {
			t.Fatal(err)
		}
		if touch() {
			t.Error("a withdrawn case still counts as open")
		}
	})
}

// ClaimInboundTouching claims like ClaimInbound and touches the sender like
// TouchComplainant, whatever the claim finds.
func TestClaimInboundTouching(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ch, lease := cases.ChannelWeChatOA, 30*time.Second
		c, who, err := s.ClaimInboundTouching(ctx, ch, "m1", "o-claim", at(0), lease)
		if err != nil || !c.Claimed || who.Identity != "o-claim" || !who.LastMessageAt.Equal(at(0)) || who.HasOpenCase {
			t.Fatalf("first claim = %+v, %+v, %v", c, who, err)
		}
		// A retry while it is handled: not claimed, still touched.
		c, who, err = s.ClaimInboundTouching(ctx, ch, "m1", "o-claim", at(time.Second), lease)
		if err != nil || c.Claimed || c.Done || !who.LastMessageAt.Equal(at(time.Second)) {
			t.Fatalf("retry while handled = %+v, %+v, %v", c, who, err)
		}
		if err := s.FinishInbound(ctx, string(ch), "m1", "sealed-reply"); err != nil {
			t.Fatal(err)
		}
		c, _, err = s.ClaimInboundTouching(ctx, ch, "m1", "o-claim", at(2*time.Second), lease)
		if err != nil || !c.Done || c.ReplySealed != "sealed-reply" {
			t.Fatalf("retry after = %+v, %v", c, err)
		}
	})
}

func TestFinishInboundAsking(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ch := cases.ChannelWeChatOA
		if _, _, err := s.ClaimInboundTouching(ctx, ch, "m-ask", "o-ask", at(0), time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishInboundAsking(ctx, ch, "m-ask", "sealed", "o-ask", at(time.Second)); err != nil {
			t.Fatal(err)
		}
		if c, err := s.GetInbound(ctx, string(ch), "m-ask"); err != nil || !c.Done || c.ReplySealed != "sealed" {
			t.Errorf("inbound = %+v, %v", c, err)
		}
		who, err := s.GetComplainant(ctx, ch, "o-ask")
		if err != nil || who.ContactState != cases.ContactAsked || !who.AskedAt.Equal(at(time.Second)) {
			t.Errorf("complainant = %+v, %v", who, err)
		}
	})
}
