package outbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
)

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c := ConfigFrom(config.Outbox{}).withDefaults()
	if c.Batch != config.DefaultOutboxBatch || c.MaxAttempts != config.DefaultOutboxAttempts ||
		c.Lease != config.DefaultOutboxLease || c.SendTimeout != DefaultSendTimeout {
		t.Errorf("defaults = %+v", c)
	}
	// A short lease shortens the send timeout, or no batch would ever start.
	if c := (Config{Lease: 4 * time.Second}).withDefaults(); c.SendTimeout != 2*time.Second {
		t.Errorf("SendTimeout = %v with a 4s lease", c.SendTimeout)
	}
}

func TestBatchStopsBeforeTheLeaseRunsOut(t *testing.T) {
	t.Parallel()
	b := setup(t, func(p *Params) { p.Config.Lease = 20 * time.Second }) // send timeout 10s
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	first := b.store.queue(1, "case_dispatched", toUnit("logistics"), nil, start)
	second := b.store.queue(1, "case_accepted", toUnit("logistics"), nil, start)
	// The first send takes 11 s of the 20 s lease: the second could end
	// after the lease, when another replica may have reclaimed it. It is
	// not started, and goes back to the queue at once.
	b.senders["wecom"].onSend = func() { b.clock.Advance(11 * time.Second) }
	if n := b.runOnce(t); n != 2 {
		t.Fatalf("claimed %d", n)
	}
	if it := b.store.item(second); b.store.item(first).State != "sent" || it.State != "pending" || it.NextAttemptAt.After(b.clock.Now()) {
		t.Fatalf("states %s, %+v; want sent, and pending due now", b.store.item(first).State, it)
	}
	b.senders["wecom"].onSend = nil
	b.runOnce(t)
	if it := b.store.item(second); it.State != "sent" || it.Attempts != 2 {
		t.Fatalf("second = %+v", it)
	}
}

// A message to several addresses starts with enough lease for one send,
// but each address may take a whole send timeout. When less than a send is
// left, the claim is renewed before the next address, so no send runs past
// the lease, when another replica may claim the message; a claim lost
// meanwhile sends nothing more.
func TestMessageToSeveralRenewsItsLease(t *testing.T) {
	t.Parallel()
	// A 20 s lease (a send timeout of 10 s) and a message to the office's
	// three addresses; each send runs onSend(sends so far).
	toSeveral := func(t *testing.T, onSend func(b *bundle, sends int)) (*bundle, int64, *int) {
		b := setup(t, func(p *Params) { p.Config.Lease = 20 * time.Second })
		b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
		id := b.store.queue(1, "case_returned", cases.Recipient{Kind: cases.ToRole, ID: "school_office"}, nil, start)
		sends := 0
		for _, s := range b.senders {
			s.onSend = func() { sends++; onSend(b, sends) }
		}
		b.runOnce(t)
		return b, id, &sends
	}
	t.Run("renewed", func(t *testing.T) {
		t.Parallel()
		b, id, sends := toSeveral(t, func(b *bundle, n int) {
			b.clock.Advance(9 * time.Second)
			// No other replica can take it while a send runs.
			if got, _ := b.store.ClaimOutbox(context.Background(), b.clock.Now(), 20*time.Second, 10); len(got) != 0 {
				t.Errorf("claimed by another replica during send %d", n)
			}
		})
		// Sent at 0 s and 9 s; at 18 s the lease (to 20 s) is renewed.
		if it := b.store.item(id); *sends != 3 || it.State != cases.OutboxSent || it.Attempts != 1 {
			t.Fatalf("%d sends; item %+v", *sends, it)
		}
	})
	t.Run("claim lost", func(t *testing.T) {
		t.Parallel()
		b, id, sends := toSeveral(t, func(b *bundle, n int) {
			if n == 1 { // a send that hangs past the lease; another replica takes over
				b.clock.Advance(21 * time.Second)
				if got, _ := b.store.ClaimOutbox(context.Background(), b.clock.Now(), 20*time.Second, 10); len(got) != 1 {
					t.Errorf("the other replica claimed %d", len(got))
				}
			}
		})
		if it := b.store.item(id); *sends != 1 || it.State != cases.OutboxSending || it.Attempts != 2 {
			t.Fatalf("%d sends; item %+v: want the other replica's claim untouched", *sends, it)
		}
	})
}

// A worker told to stop records what it sent, or the next replica would
// send it again, and gives back at once what it did not start.
func TestStoppedWorkerRecordsItsSendsAndReleasesTheRest(t *testing.T) {
	t.Parallel()
	b := setup(t, func(p *Params) { p.Config.Concurrency = 1 })
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	b.store.addCase(dispatchedCase(2, cases.ChannelWeChatOA))
	first := b.store.queue(1, "case_dispatched", toUnit("logistics"), nil, start)
	second := b.store.queue(2, "case_dispatched", toUnit("logistics"), nil, start)
	ctx, stop := context.WithCancel(context.Background())
	b.senders["wecom"].onSend = stop // the platform took it as the stop came
	if _, err := b.worker.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if it := b.store.item(first); it.State != "sent" {
		t.Errorf("the message sent as the worker stopped is %s, want sent", it.State)
	}
	if it := b.store.item(second); it.State != "pending" || it.NextAttemptAt.After(b.clock.Now()) || len(b.senders["wecom"].outbounds()) != 1 {
		t.Errorf("the message not started: %+v, after %d sends; want pending, due now", it, len(b.senders["wecom"].outbounds()))
	}
}

// waitClaim waits for the worker's next claim, failing the test after a
// generous deadline rather than sleeping.
func waitClaim(t *testing.T, claimed <-chan int) int {
	t.Helper()
	select {
	case n := <-claimed:
		return n
	case <-time.After(5 * time.Second):
		t.Fatal("the worker did not claim")
		return 0
	}
}

func TestRunPollsNotifiesAndStops(t *testing.T) {
	t.Parallel()
	b := setup(t, func(p *Params) {
		p.Config.PollInterval = time.Hour // only Notify and full batches wake it
		p.Config.Batch = 1
	})
	claimed := make(chan int)
	b.store.claimed = claimed
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	b.store.queue(1, "case_dispatched", toUnit("logistics"), nil, start)
	b.store.queue(1, "case_accepted", toUnit("logistics"), nil, start)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- b.worker.Run(ctx) }()

	// The first round runs at once; a full batch (1) runs the next without
	// waiting; the third finds nothing and the worker waits.
	for i, want := range []int{1, 1, 0} {
		if n := waitClaim(t, claimed); n != want {
			t.Fatalf("round %d claimed %d, want %d", i, n, want)
		}
	}
	b.store.queue(1, "case_supplemented", toUnit("logistics"), nil, start)
	b.worker.Notify()
	b.worker.Notify() // merges into the pending wake-up
	if n := waitClaim(t, claimed); n != 1 {
		t.Fatalf("after Notify claimed %d, want 1", n)
	}
	// A full batch runs again, finding nothing.
	if n := waitClaim(t, claimed); n != 0 {
		t.Fatalf("claimed %d, want 0", n)
	}
	cancel()
	// The second Notify may have landed after the first wake-up was taken,
	// which makes one more (empty) round: keep draining claims until Run
	// returns.
	deadline := time.After(5 * time.Second)
	for stopped := false; !stopped; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run = %v", err)
			}
			stopped = true
		case n := <-claimed:
			if n != 0 {
				t.Fatalf("an extra round claimed %d", n)
			}
		case <-deadline:
			t.Fatal("Run did not stop")
		}
	}
	if got := len(b.senders["wecom"].outbounds()); got != 3 {
		t.Errorf("wecom got %d messages, want 3", got)
	}
}

// A send cut short because the worker stops is the stop's failure, not the
// message's: even on its last attempt the message goes back to the queue
// rather than to the dead letters.
func TestStopDuringTheLastAttemptDoesNotDeadLetter(t *testing.T) {
	t.Parallel()
	b := setup(t) // at most 4 attempts
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	id := b.store.queue(1, "case_dispatched", toUnit("logistics"), nil, start)
	b.store.mu.Lock()
	b.store.items[id].Attempts = 3 // this claim makes the fourth
	b.store.mu.Unlock()
	ctx, stop := context.WithCancel(context.Background())
	b.senders["wecom"].onSend = stop
	b.senders["wecom"].always = context.Canceled
	if _, err := b.worker.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if it := b.store.item(id); it.State != cases.OutboxPending || it.NextAttemptAt.After(b.clock.Now()) {
		t.Errorf("after a stop on the last attempt: %+v, want pending, due now", it)
	}
}

// A digest has no claim of its own to renew: its send ends with the lease
// of its messages, claimed just before it, at the latest.
func TestDigestSendEndsWithItsMessagesLease(t *testing.T) {
	t.Parallel()
	b := setup(t, func(p *Params) { p.Config.Lease = 20 * time.Second }) // send timeout 10s
	now := b.clock.Now()
	for _, tt := range []struct {
		left time.Duration
		want time.Duration // 0: not sent
	}{{time.Minute, 10 * time.Second}, {4 * time.Second, 4 * time.Second}, {0, 0}} {
		probe := &attempt{it: cases.OutboxItem{LeaseUntil: now.Add(tt.left)}}
		got, err := b.worker.leaseFor(context.Background(), probe)
		if tt.want == 0 && !errors.Is(err, ErrLeaseRunningOut) || tt.want != 0 && (err != nil || got != tt.want) {
			t.Errorf("with %v left: %v, %v; want %v", tt.left, got, err, tt.want)
		}
	}
}
