package outbox

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// After a burst, a unit's backlog drains as digests: 500 dispatch notices
// held behind a group robot's 20 a minute (a digest of at most 20) all
// reach the group within three minutes, and none of them goes out on its
// own in a slot a digest of the others could have used. The robot's minute
// was already used up, one send every three seconds, when they came;
// every send takes 200 ms of the fake clock, as a platform call does, and
// another unit's cases of the same burst go out between the unit's.
func TestBacklogDrainsAsDigests(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		b := setupStore(t, s, 20, "notice")
		b.sender.foldMax = 20
		b.worker.cfg.Batch = 50
		ctx := context.Background()
		start := storetest.Epoch()
		// run polls the worker once a second, as Run does, until at.
		run := func(at time.Time) {
			for b.clock.Now().Before(at) {
				next := b.clock.Now().Add(time.Second)
				b.drain(t)
				if b.clock.Now().Before(next) {
					b.clock.Set(next)
				}
			}
		}
		// Student affairs' group, on a platform without limits, gets a
		// message of the burst between each two of the unit's: its sends
		// take the clock on while the unit's messages are claimed.
		other := &fakeSender{platform: bot.PlatformDingTalk}
		b.worker.senders[other.platform] = other
		latency := func() { b.clock.Advance(200 * time.Millisecond) }
		// The minute before: a send every three seconds, the last one now.
		b.clock.Set(start.Add(-57 * time.Second))
		unit := storetest.Create(t, s, storetest.NewCase(t, b.clock.Now(), "logistics"))
		students := storetest.Create(t, s, storetest.NewCase(t, b.clock.Now(), "student_affairs"))
		b.drain(t) // their own dispatch notices: the first of the unit's 20 sends
		for i := range 19 {
			run(start.Add(-57*time.Second + time.Duration(i+1)*3*time.Second))
			enqueue(t, s, b, unit, fmt.Sprintf("before-%d", i))
		}
		b.drain(t)
		b.clock.Set(start)
		before := len(b.sender.outbounds())
		if before != 20 {
			t.Fatalf("%d sends before the burst, want 20", before)
		}
		b.sender.onSend, other.onSend = latency, latency
		var burst []cases.OutboxItem
		for i := range 500 {
			for _, c := range []cases.Case{unit, students} {
				burst = append(burst, notice(c, fmt.Sprintf("burst-%s-%d", c.LeadUnit, i)))
			}
		}
		if _, err := s.Enqueue(ctx, burst, b.clock.Now()); err != nil {
			t.Fatal(err)
		}
		// count says how the unit's messages since the burst went out.
		// A message alone is a single send only while others waited: the
		// last one, left over from the digests, may go on its own.
		count := func() (singles, digests, carried int) {
			sends := b.sender.outbounds()[before:]
			for i, o := range sends {
				if n := len(o.Message.Digest); n > 0 {
					digests++
					carried += n
					continue
				}
				carried++
				if i < len(sends)-1 {
					singles++
				}
			}
			return singles, digests, carried
		}
		for b.clock.Now().Before(start.Add(3 * time.Minute)) {
			if _, _, carried := count(); carried == 500 && len(other.outbounds()) == 501 {
				break
			}
			run(b.clock.Now().Add(time.Second))
		}
		singles, digests, carried := count()
		t.Logf("%d digests and %d single sends carried %d messages in %s", digests, singles, carried, b.clock.Now().Sub(start))
		if carried != 500 || singles > 0 {
			t.Errorf("%d digests and %d single sends carried %d of the 500 held messages in three minutes; want digests with all 500", digests, singles, carried)
		}
		for _, c := range []cases.Case{unit, students} {
			items, err := s.ListOutbox(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.State != cases.OutboxSent {
					t.Fatalf("%s's message %d is %s", c.LeadUnit, it.ID, it.State)
				}
			}
		}
		if n := len(other.outbounds()); n != 501 {
			t.Errorf("the other unit got %d of its 501", n)
		}
	})
}

// notice is a dispatch notice of c to its unit, under its own dedup key.
func notice(c cases.Case, key string) cases.OutboxItem {
	return cases.OutboxItem{CaseID: c.ID, Template: "case_dispatched",
		To: cases.Recipient{Kind: cases.ToUnit, ID: c.LeadUnit}, DedupKey: key}
}

func enqueue(t *testing.T, s *store.Store, b *storeBundle, c cases.Case, key string) {
	t.Helper()
	if _, err := s.Enqueue(context.Background(), []cases.OutboxItem{notice(c, key)}, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
}
