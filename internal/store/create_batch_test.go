package store

import (
	"reflect"
	"strings"
	"testing"
)

// TestMergeRows checks that the statements of several cases become one
// INSERT per table in runs of 1, 2, 4, ... rows, tables in their order,
// rows in the cases' order, and that a statement of another kind is kept.
func TestMergeRows(t *testing.T) {
	t.Parallel()
	texts := newRowTexts()
	caseShape := rowsShape{head: "INSERT INTO cases (id, number)", cols: 2}
	eventShape := rowsShape{head: "INSERT INTO case_events (case_id, kind)", cols: 2}
	msgShape := rowsShape{head: "INSERT INTO outbox (case_id)", tail: " ON CONFLICT (dedup_key) DO NOTHING", cols: 1}
	var perCase [][]stmt
	for id := 1; id <= 3; id++ {
		perCase = append(perCase, []stmt{
			insertRows(texts, caseShape, []any{id, "n"}),
			{}, // no co-units
			insertRows(texts, eventShape, []any{id, "register", id, "dispatch"}),
			insertRows(texts, msgShape, []any{id}),
		})
	}
	perCase[1] = append(perCase[1], stmt{q: "SELECT 1"})
	got := mergeRows(texts, perCase)
	want := []stmt{
		{q: "INSERT INTO cases (id, number) VALUES ($1, $2), ($3, $4)", args: []any{1, "n", 2, "n"}},
		{q: "INSERT INTO cases (id, number) VALUES ($1, $2)", args: []any{3, "n"}},
		{q: "INSERT INTO case_events (case_id, kind) VALUES ($1, $2), ($3, $4), ($5, $6), ($7, $8)",
			args: []any{1, "register", 1, "dispatch", 2, "register", 2, "dispatch"}},
		{q: "INSERT INTO case_events (case_id, kind) VALUES ($1, $2), ($3, $4)", args: []any{3, "register", 3, "dispatch"}},
		{q: "INSERT INTO outbox (case_id) VALUES ($1), ($2) ON CONFLICT (dedup_key) DO NOTHING", args: []any{1, 2}},
		{q: "INSERT INTO outbox (case_id) VALUES ($1) ON CONFLICT (dedup_key) DO NOTHING", args: []any{3}},
		{q: "SELECT 1"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d statements, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].q != want[i].q || !reflect.DeepEqual(got[i].args, want[i].args) {
			t.Errorf("statement %d:\n got %s %v\nwant %s %v", i, got[i].q, got[i].args, want[i].q, want[i].args)
		}
	}
}

// TestMergeRowsBounded checks that no merged INSERT holds more than
// maxMergedRows rows, and that none is lost.
func TestMergeRowsBounded(t *testing.T) {
	t.Parallel()
	texts := newRowTexts()
	shape := rowsShape{head: "INSERT INTO t (a)", cols: 1}
	var perCase [][]stmt
	for i := range 2*maxMergedRows + 3 {
		perCase = append(perCase, []stmt{insertRows(texts, shape, []any{i})})
	}
	rows := 0
	for _, st := range mergeRows(texts, perCase) {
		n := strings.Count(st.q, "$")
		if n > maxMergedRows || n != len(st.args) {
			t.Errorf("%d rows, %d arguments in one INSERT", n, len(st.args))
		}
		if st.args[0] != rows {
			t.Errorf("rows out of order: %v after %d", st.args[0], rows)
		}
		rows += n
	}
	if rows != 2*maxMergedRows+3 {
		t.Errorf("%d rows written, want %d", rows, 2*maxMergedRows+3)
	}
}
