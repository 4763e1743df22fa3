package clock

import (
	"sync"
	"testing"
	"time"
)

func TestFake(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	f := NewFake(start)
	if got := f.Now(); !got.Equal(start) {
		t.Fatalf("Now = %v, want %v", got, start)
	}
	if got := f.Advance(90 * time.Minute); !got.Equal(start.Add(90 * time.Minute)) {
		t.Fatalf("Advance returned %v", got)
	}
	if got := f.Now(); !got.Equal(start.Add(90 * time.Minute)) {
		t.Fatalf("Now after Advance = %v", got)
	}
	f.Set(start)
	if got := f.Now(); !got.Equal(start) {
		t.Fatalf("Now after Set = %v", got)
	}
}

// TestFakeConcurrent is meant for -race: a worker reads while a test moves
// the clock.
func TestFakeConcurrent(t *testing.T) {
	t.Parallel()
	f := NewFake(time.Unix(0, 0))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				f.Advance(time.Second)
				_ = f.Now()
			}
		})
	}
	wg.Wait()
	if got := f.Now(); !got.Equal(time.Unix(400, 0)) {
		t.Fatalf("Now = %v, want 400 s after the epoch", got)
	}
}

func TestRealMoves(t *testing.T) {
	t.Parallel()
	var c Clock = Real{}
	if c.Now().IsZero() {
		t.Fatal("Real.Now is the zero time")
	}
}
