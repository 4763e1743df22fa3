package store_test

import (
	"context"
	"fmt"
	"slices"
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
		if c.Place != outs[i].Case.Place || len(c.CoUnits) != len(outs[i].Case.CoUnits) {
			t.Errorf("case %d stored at %q with %d co-units, want %q with %d", i, c.Place, len(c.CoUnits), outs[i].Case.Place, len(outs[i].Case.CoUnits))
		}
		for j, a := range c.CoUnits {
			if a.Unit != outs[i].Case.CoUnits[j].Unit {
				t.Errorf("case %d co-unit %d is %s, want %s", i, j, a.Unit, outs[i].Case.CoUnits[j].Unit)
			}
		}
		evs, err := s.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds, want []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		for _, e := range outs[i].Events {
			want = append(want, e.Kind)
		}
		if !slices.Equal(kinds, want) {
			t.Errorf("case %d has events %v, want %v", i, kinds, want)
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
