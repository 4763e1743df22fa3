package cli

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/storetest"
)

// deadStore is a store that fails every write, as one that lost its
// database does.
func deadStore(t *testing.T) *storetest.Dying {
	k := &storetest.Dying{Store: storetest.NewSQLite(t)}
	k.Dead.Store(true)
	return k
}

// A worker that does not restart and whose store fails ends serve with
// the store's error (so the process exits non-zero), after a log line
// naming it; the servers and the other workers stop.
func TestFailedWorkerEndsServe(t *testing.T) {
	t.Parallel()
	cfg := embeddedConfig(t)
	cfg.Server.Listen, cfg.Server.MetricsListen = "127.0.0.1:0", "127.0.0.1:0"
	core, logs := observer.New(zapcore.InfoLevel)
	log := zap.New(core)
	a, err := build(t.Context(), cfg, wiring{log: log, clock: clock.NewFake(studentStart), store: storetest.NewSQLite(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	k := deadStore(t)
	a.workers = append(a.workers, worker{name: "sweep", run: func(ctx context.Context) error {
		return k.MarkSent(ctx, 1, "wecom", "m-1", studentStart)
	}})
	err = runApp(t.Context(), cfg, a, log)
	if !errors.Is(err, storetest.ErrKilled) {
		t.Fatalf("serve ended with %v, want the store's error", err)
	}
	if got := logs.FilterMessage("worker failed: jiesu stops").FilterField(zap.String("worker", "sweep")).Len(); got != 1 {
		t.Errorf("%d log lines name the failed worker, want 1: %v", got, logs.All())
	}
}

// waits records the backoffs a restarting worker waits, without waiting.
type waits struct {
	mu  sync.Mutex
	got []time.Duration
}

func (w *waits) wait(ctx context.Context, d time.Duration) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, d)
	return ctx.Err() == nil
}

// A worker that restarts and whose store fails runs again after a backoff
// that doubles, and from the first backoff again once it ran long enough;
// every failure is logged, and none stops the process.
func TestFailedWorkerRestartsWithBackoff(t *testing.T) {
	t.Parallel()
	k := deadStore(t)
	clk := clock.NewFake(studentStart)
	core, logs := observer.New(zapcore.InfoLevel)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	runs := 0
	w := worker{name: "outbox", restart: true, run: func(ctx context.Context) error {
		runs++
		switch runs {
		case 4:
			clk.Advance(restartMax) // a long run before this failure
		case 6:
			cancel()
			return nil
		}
		return k.MarkSent(ctx, 1, "wecom", "m-1", clk.Now())
	}}
	var ws waits
	c := startWorkers(ctx, []worker{w}, zap.New(core), clk, ws.wait)
	<-c.done
	select {
	case err := <-c.failed:
		t.Fatalf("a restarting worker stopped the process: %v", err)
	default:
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, time.Second, 2 * time.Second}
	if len(ws.got) != len(want) {
		t.Fatalf("waited %v, want %v", ws.got, want)
	}
	for i := range want {
		if ws.got[i] != want[i] {
			t.Fatalf("waited %v, want %v", ws.got, want)
		}
	}
	if got := logs.FilterMessage("worker failed: it restarts").Len(); got != 5 {
		t.Errorf("%d failures logged, want 5", got)
	}
	for _, e := range logs.FilterMessage("worker failed: it restarts").All() {
		if err, _ := e.ContextMap()["error"].(string); err != storetest.ErrKilled.Error() {
			t.Errorf("logged error %q, want the store's", err)
		}
	}
}

// A restarting worker waiting out its backoff stops when serve does.
func TestRestartWaitEndsWithServe(t *testing.T) {
	t.Parallel()
	k := deadStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	w := worker{name: "attachments", restart: true, run: func(ctx context.Context) error {
		return k.MarkSent(ctx, 1, "wecom", "m-1", studentStart)
	}}
	wait := func(context.Context, time.Duration) bool { cancel(); return false }
	c := startWorkers(ctx, []worker{w}, zap.NewNop(), clock.NewFake(studentStart), wait)
	<-c.done
	if len(c.failed) != 0 {
		t.Fatalf("a restarting worker stopped the process: %v", <-c.failed)
	}
}
