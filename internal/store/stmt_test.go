package store

import (
	"sync"
	"testing"
)

// TestRowTexts checks that a kept text is the one built, that texts of
// more rows than maxKeptRows are built but not kept, and that concurrent
// callers (every registration) agree.
func TestRowTexts(t *testing.T) {
	t.Parallel()
	texts := newRowTexts()
	shape := rowsShape{head: "INSERT INTO t (a, b)", tail: " ON CONFLICT DO NOTHING", cols: 2}
	const want = "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got := texts.text(shape, 2); got != want {
				t.Errorf("text %q, want %q", got, want)
			}
		})
	}
	wg.Wait()
	big := texts.text(shape, maxKeptRows+1)
	if n := len(big) - len(texts.text(shape, maxKeptRows)); n != len(", ($129, $130)") {
		t.Errorf("text of %d rows is %d bytes longer than of %d", maxKeptRows+1, n, maxKeptRows)
	}
	if len(texts.m) != 2 {
		t.Errorf("%d texts kept, want 2 (2 rows and %d rows)", len(texts.m), maxKeptRows)
	}
}
