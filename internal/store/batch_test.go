package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// A batch writes its cases' rows in one INSERT per table (mergeRows): each
// case must still get exactly its own co-units, events and messages.
func TestBatchWritesEachCaseWhole(t *testing.T) {
	t.Parallel()
	s := storetest.NewPostgres(t)
	ctx := context.Background()
	coUnits := [][]string{{"security"}, nil, {"security", "dormitory"}, nil, {"dormitory"}}
	var outs []cases.Outcome
	for i, units := range coUnits {
		outs = append(outs, storetest.NewCase(t, at(time.Minute), "logistics", outage(fmt.Sprintf("合并测试%d号楼", i)),
			func(in *cases.Intake) { in.CoUnits = units }))
	}
	res, err := s.RegisterBatchForTest(ctx, outs, store.Grouped(grouping))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if !r.Wrote {
			t.Fatalf("case %d not written by the batch: %+v", i, r)
		}
		c, err := s.GetCaseByNumber(ctx, cases.Number(outs[i].Case.RegisteredAt, r.Number))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var units, wantUnits []string
		for _, a := range c.CoUnits {
			units = append(units, a.Unit)
		}
		for _, a := range outs[i].Case.CoUnits {
			wantUnits = append(wantUnits, a.Unit)
		}
		if c.Place != outs[i].Case.Place || !slices.Equal(units, wantUnits) {
			t.Errorf("case %d stored at %q with co-units %v, want %q with %v", i, c.Place, units, outs[i].Case.Place, wantUnits)
		}
		evs, err := s.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Kind and data: the dispatch event names the case's own co-units,
		// so events written under another case would show.
		if got, want := eventsOf(t, evs), eventsOf(t, outs[i].Events); got != want {
			t.Errorf("case %d has events\n%s\nwant\n%s", i, got, want)
		}
		var msgs int
		if err := s.DBForTest().QueryRow(`SELECT count(*) FROM outbox WHERE case_id = $1`, c.ID).Scan(&msgs); err != nil {
			t.Fatal(err)
		}
		if msgs != len(outs[i].Messages) || msgs == 0 {
			t.Errorf("case %d has %d messages queued, want %d", i, msgs, len(outs[i].Messages))
		}
	}
}

// eventsOf is the kind and data of each of evs, a line each.
func eventsOf(t *testing.T, evs []cases.Event) string {
	t.Helper()
	var b strings.Builder
	for _, e := range evs {
		data, err := json.Marshal(e.Data)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s\n", e.Kind, data)
	}
	return b.String()
}

// A batch's statements become one INSERT per table when each table's rows
// come to a run of 1, 2, 4, ...; a lone case's are sent as they are.
func TestBatchMergesRealStatements(t *testing.T) {
	t.Parallel()
	s := storetest.NewPostgres(t)
	var outs []cases.Outcome
	for i := range 4 {
		outs = append(outs, storetest.NewCase(t, at(time.Minute), "logistics", outage(fmt.Sprintf("合并%d号楼", i))))
	}
	texts, err := s.MergedForTest(outs)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for _, q := range texts {
		tables = append(tables, strings.Fields(q)[2])
	}
	if want := []string{"cases", "case_events", "outbox"}; !slices.Equal(tables, want) {
		t.Errorf("four cases sent INSERTs into %v, want one into each of %v", tables, want)
	}
	one, err := s.MergedForTest(outs[:1])
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != 3 || strings.Count(one[0], "), (") != 0 {
		t.Errorf("one case sent %d statements, want its own three, one row each: %v", len(one), one)
	}
}
