package store

import (
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

func TestCompanyHints(t *testing.T) {
	t.Parallel()
	var h companyHints
	at := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	k := cases.GroupKey{LeadUnit: "logistics", Category: "water_power", Place: "学生公寓3号楼"}
	other := cases.GroupKey{LeadUnit: "logistics", Category: "water_power", Place: "学生公寓5号楼"}
	if h.has(k, at) {
		t.Fatal("an empty store hints company")
	}
	h.note(k, at, 30*time.Minute)
	// Within the window after the noted case, and for that key only.
	if !h.has(k, at.Add(29*time.Minute)) || h.has(other, at.Add(time.Minute)) {
		t.Error("hint not kept for its key within the window, or given to another key")
	}
	if h.has(k, at.Add(30*time.Minute)) {
		t.Error("hint outlived the window")
	}
	// An older note never shortens a later one.
	h.note(k, at.Add(-time.Hour), 30*time.Minute)
	if !h.has(k, at.Add(29*time.Minute)) {
		t.Error("an older note shortened the hint")
	}
}

// The store remembers at most maxHints keys: the expired go first, then,
// if they are not enough, all.
func TestCompanyHintsBounded(t *testing.T) {
	t.Parallel()
	var h companyHints
	at := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	key := func(i int) cases.GroupKey {
		return cases.GroupKey{LeadUnit: "logistics", Category: "water_power", Place: string(rune(0x4e00 + i))}
	}
	for i := range maxHints {
		h.note(key(i), at.Add(time.Duration(i)*time.Second), time.Minute)
	}
	if len(h.until) != maxHints {
		t.Fatalf("%d keys kept, want %d", len(h.until), maxHints)
	}
	// One more, well after the first keys' windows: those expired go.
	late := at.Add(time.Duration(maxHints)*time.Second + time.Minute)
	h.note(key(maxHints), late, time.Minute)
	if len(h.until) >= maxHints || !h.has(key(maxHints), late) || h.has(key(0), late) {
		t.Errorf("%d keys kept after pruning; the new one kept: %v", len(h.until), h.has(key(maxHints), late))
	}
	// All still live and full: all go, the new one stays.
	var full companyHints
	for i := range maxHints {
		full.note(key(i), at, time.Hour)
	}
	full.note(key(maxHints), at, time.Hour)
	if len(full.until) != 1 || !full.has(key(maxHints), at) {
		t.Errorf("%d keys kept after clearing, want only the new one", len(full.until))
	}
}
