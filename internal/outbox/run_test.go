package outbox

import (
	"context"
	"strings"
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
// but each address may take a whole send timeout: an address whose send
// could end after the lease is not tried, since another replica may claim
// the message from then on; the retry goes to it.
func TestMessageToSeveralStopsBeforeTheLeaseRunsOut(t *testing.T) {
	t.Parallel()
	b := setup(t, func(p *Params) { p.Config.Lease = 20 * time.Second }) // send timeout 10s
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	id := b.store.queue(1, "case_returned", cases.Recipient{Kind: cases.ToRole, ID: "school_office"}, nil, start)
	sends := 0
	for _, s := range b.senders {
		s.onSend = func() { sends++; b.clock.Advance(9 * time.Second) }
	}
	b.runOnce(t)
	// Sent at 0 s and 9 s; the third would start at 18 s and could end at 28 s.
	if it := b.store.item(id); sends != 2 || it.State != "pending" || !strings.Contains(it.LastError, ErrLeaseRunningOut.Error()) {
		t.Fatalf("%d sends; item %+v", sends, it)
	}
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
