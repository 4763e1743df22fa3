package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// Diff keeps what the store's tests relied on: an instant equals itself in
// another zone, an empty list equals none, and a difference is named.
func TestDiff(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, cases.Shanghai())
	want := cases.Case{Number: "JS20261128-0001", RegisteredAt: at, CoUnits: nil}
	got := cases.Case{Number: "JS20261128-0001", RegisteredAt: at.UTC(), CoUnits: []cases.Assignment{}}
	if d := Diff(want, got); d != "" {
		t.Errorf("equal cases differ:\n%s", d)
	}
	got.LeadUnit = "logistics"
	if d := Diff(want, got); !strings.Contains(d, "LeadUnit") || !strings.Contains(d, "logistics") {
		t.Errorf("the diff does not name the field that differs:\n%s", d)
	}
}
