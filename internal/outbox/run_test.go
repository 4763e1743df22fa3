package outbox

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
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
// but each address may take a whole send timeout: each send ends with the
// lease at the latest, since another replica may claim the message from
// then on, and one with less than a second of it left is not started.
func TestMessageToSeveralEndsWithTheLease(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		took  time.Duration // each send, on the fake clock
		last  time.Duration // the third send's time, or 0 if not started
		state store.OutboxState
	}{
		{"third send cut to the lease's end", 9 * time.Second, 2 * time.Second, store.OutboxSent},
		{"third send not started", 9600 * time.Millisecond, 0, store.OutboxPending},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(p *Params) { p.Config.Lease = 20 * time.Second }) // send timeout 10s
			b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
			id := b.store.queue(1, "case_returned", cases.Recipient{Kind: cases.ToRole, ID: "school_office"}, nil, start)
			var timeouts []time.Duration
			for _, s := range b.senders {
				s.onSend = func() { b.clock.Advance(tt.took) }
			}
			b.runOnce(t)
			for _, s := range b.senders {
				timeouts = append(timeouts, s.timeouts...)
			}
			slices.Sort(timeouts) // the third send had the least time
			want := 3
			if tt.last == 0 {
				want = 2
			}
			if len(timeouts) != want || (tt.last > 0 && (timeouts[0] > tt.last || timeouts[0] < tt.last-time.Second)) {
				t.Fatalf("sends with %v left; want %d, the least about %v", timeouts, want, tt.last)
			}
			if it := b.store.item(id); it.State != tt.state || (tt.last == 0 && !strings.Contains(it.LastError, ErrLeaseRunningOut.Error())) {
				t.Fatalf("item %+v, want %s", it, tt.state)
			}
		})
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
	if it := b.store.item(id); it.State != store.OutboxPending || it.NextAttemptAt.After(b.clock.Now()) {
		t.Errorf("after a stop on the last attempt: %+v, want pending, due now", it)
	}
}
