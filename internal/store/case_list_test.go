package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// listFixture stores a small, varied set of cases and returns them by name.
func listFixture(t *testing.T, s *store.Store) map[string]cases.Case {
	t.Helper()
	hour := time.Hour
	office := storetest.Office()
	m := map[string]cases.Case{}
	// triage: registered, no unit, on the hotline.
	m["triage"] = storetest.Create(t, s, storetest.NewCase(t, at(0), "", func(in *cases.Intake) {
		in.Channel, in.Content, in.Place, in.Tier = cases.ChannelHotline1234, "图书馆空调 50% 坏了", "图书馆", cases.TierGeneral
		in.Complainant = cases.Complainant{NoContact: true}
	}))
	// dispatched to logistics with security helping, essential, late now.
	m["late"] = storetest.Create(t, s, storetest.NewCase(t, at(hour), "logistics", func(in *cases.Intake) {
		in.CoUnits = []string{"security"}
		in.Content = "Hot water broken_again"
	}))
	// urgent, dispatched to security, on time.
	m["urgent"] = storetest.Create(t, s, storetest.NewCase(t, at(2*hour), "security", func(in *cases.Intake) {
		in.Tier, in.Content, in.Place = cases.TierUrgent, "路灯不亮", "东门"
		in.Complainant.Identity = "openid-2"
	}))
	// resolved late by logistics: feedback given (web is a chat channel).
	c := storetest.Create(t, s, storetest.NewCase(t, at(3*hour), "logistics", func(in *cases.Intake) { in.Tier = cases.TierUrgent }))
	h := storetest.Handler("logistics", "m-1")
	c = storetest.Transition(t, s, c, h, cases.Command{Action: cases.ActionAccept}, at(3*hour+time.Minute))
	c = storetest.Transition(t, s, c, h, cases.Command{Action: cases.ActionContact}, at(3*hour+2*time.Minute))
	c = storetest.Transition(t, s, c, h, cases.Command{Action: cases.ActionResolve, Result: "fixed"}, at(6*hour))
	m["resolvedLate"] = c
	// resolved on time and closed.
	c = storetest.Create(t, s, storetest.NewCase(t, at(4*hour), "logistics"))
	c = storetest.Transition(t, s, c, h, cases.Command{Action: cases.ActionAccept}, at(4*hour+time.Minute))
	c = storetest.Transition(t, s, c, h, cases.Command{Action: cases.ActionContact}, at(4*hour+2*time.Minute))
	c = storetest.Transition(t, s, c, h, cases.Command{Action: cases.ActionResolve, Result: "ok"}, at(5*hour))
	c = storetest.Transition(t, s, c, office, cases.Command{Action: cases.ActionClose}, at(5*hour+time.Minute))
	m["closed"] = c
	return m
}

func ids(cs []cases.Case) string {
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return fmt.Sprint(out)
}

func TestListCasesFilters(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := listFixture(t, s)
		// want lists names newest first, as ListCases orders them.
		tests := []struct {
			name string
			f    cases.Filter
			want []string
		}{
			{"all", cases.Filter{}, []string{"closed", "resolvedLate", "urgent", "late", "triage"}},
			{"unit leads", cases.Filter{Unit: "logistics"}, []string{"closed", "resolvedLate", "late"}},
			{"unit helps", cases.Filter{Unit: "security"}, []string{"urgent", "late"}},
			{"readable by", cases.Filter{ReadableBy: "security"}, []string{"urgent", "late"}},
			{"unit and readable by", cases.Filter{Unit: "logistics", ReadableBy: "security"}, []string{"late"}},
			{"states", cases.Filter{States: []cases.State{cases.StateRegistered, cases.StateClosed}}, []string{"closed", "triage"}},
			{"tier", cases.Filter{Tier: cases.TierUrgent}, []string{"resolvedLate", "urgent"}},
			{"channel", cases.Filter{Channel: cases.ChannelHotline1234}, []string{"triage"}},
			{"identity", cases.Filter{Identity: "openid-2"}, []string{"urgent"}},
			// At epoch+30h the essential case (due epoch+25h) is late; the
			// urgent one (due +4h) too; the one resolved at +6h against +5h
			// stays late; the closed one was on time.
			{"overdue", cases.Filter{OverdueAt: at(30 * time.Hour)}, []string{"resolvedLate", "urgent", "late"}},
			{"overdue early", cases.Filter{OverdueAt: at(3 * time.Hour)}, []string{"resolvedLate"}},
			{"from to", cases.Filter{From: at(time.Hour), To: at(3 * time.Hour)}, []string{"urgent", "late"}},
			{"text content, any case", cases.Filter{Text: "WATER BROKEN"}, []string{"late"}},
			{"text place", cases.Filter{Text: "东门"}, []string{"urgent"}},
			{"text number", cases.Filter{Text: m["urgent"].Number}, []string{"urgent"}},
			{"text percent is literal", cases.Filter{Text: "50%"}, []string{"triage"}},
			{"text underscore is literal", cases.Filter{Text: "n_a"}, []string{"late"}},
			{"a lone percent sign is literal", cases.Filter{Text: "%"}, []string{"triage"}},
			{"triage", cases.Filter{Triage: true}, []string{"triage"}},
			{"nothing", cases.Filter{Unit: "nobody"}, nil},
		}
		for _, tc := range tests {
			got, err := s.ListCases(ctx, tc.f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var want []cases.Case
			for _, n := range tc.want {
				want = append(want, m[n])
			}
			if ids(got) != ids(want) {
				t.Errorf("%s: got %v, want %v %v", tc.name, ids(got), ids(want), tc.want)
			}
		}
		// Lists carry whole cases, co-units included.
		got, _ := s.ListCases(ctx, cases.Filter{Unit: "security", States: []cases.State{cases.StateDispatched}, Tier: cases.TierEssential})
		if len(got) != 1 {
			t.Fatalf("combined filter: %v", ids(got))
		}
		if d := storetest.Diff(m["late"], got[0]); d != "" {
			t.Errorf("listed case differs: %s", d)
		}
	})
}

func TestListCasesPaging(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 7
		var all []int64
		for i := range n {
			all = append(all, dispatched(t, s, func(in *cases.Intake) { in.Content = fmt.Sprint("case ", i) }).ID)
		}
		var paged []int64
		f := cases.Filter{Limit: 3}
		for pages := 0; ; pages++ {
			if pages > n {
				t.Fatal("paging does not end")
			}
			page, err := s.ListCases(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			if len(page) > 3 {
				t.Fatalf("page of %d", len(page))
			}
			for _, c := range page {
				paged = append(paged, c.ID)
			}
			f.After = page[len(page)-1].ID
		}
		for i := range all {
			if paged[i] != all[n-1-i] {
				t.Fatalf("pages gave %v, want newest first of %v", paged, all)
			}
		}
		if len(paged) != n {
			t.Fatalf("pages gave %v", paged)
		}
		// Limits: the default and the cap.
		if got, _ := s.ListCases(ctx, cases.Filter{}); len(got) != n {
			t.Errorf("default limit gave %d", len(got))
		}
		if got, _ := s.ListCases(ctx, cases.Filter{Limit: 100000}); len(got) != n {
			t.Errorf("huge limit gave %d", len(got))
		}
	})
}

func TestListCasesLimitCap(t *testing.T) {
	t.Parallel()
	s := storetest.NewSQLite(t) // the cap is Go, not SQL: one backend proves it
	for range cases.MaxListLimit + 5 {
		storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics"))
	}
	got, err := s.ListCases(context.Background(), cases.Filter{Limit: cases.MaxListLimit + 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != cases.MaxListLimit {
		t.Fatalf("got %d cases, want the cap %d", len(got), cases.MaxListLimit)
	}
	if got, _ := s.ListCases(context.Background(), cases.Filter{}); len(got) != cases.DefaultListLimit {
		t.Fatalf("got %d cases, want the default %d", len(got), cases.DefaultListLimit)
	}
}

func TestCountCasesByState(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		listFixture(t, s)
		counts, err := s.CountCasesByState(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := map[cases.State]int{cases.StateRegistered: 1, cases.StateDispatched: 2, cases.StateFeedbackGiven: 1, cases.StateClosed: 1}
		for _, st := range cases.States {
			if counts[st] != want[st] {
				t.Errorf("%s: %d, want %d", st, counts[st], want[st])
			}
		}
		if len(counts) != len(cases.States) {
			t.Errorf("counts has %d states, want all %d", len(counts), len(cases.States))
		}
	})
}

// Open and overdue cases by tier: the closed and the resolved-late cases
// are out (they are no longer open), and lateness moves with the instant.
func TestCountOpenCases(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		listFixture(t, s)
		for _, tc := range []struct {
			at   time.Duration
			want map[cases.Tier]cases.OpenCount
		}{
			{3 * time.Hour, map[cases.Tier]cases.OpenCount{cases.TierUrgent: {Open: 1}, cases.TierEssential: {Open: 1}, cases.TierGeneral: {Open: 1}}},
			{30 * time.Hour, map[cases.Tier]cases.OpenCount{cases.TierUrgent: {Open: 1, Overdue: 1}, cases.TierEssential: {Open: 1, Overdue: 1}, cases.TierGeneral: {Open: 1}}},
		} {
			got, err := s.CountOpenCases(context.Background(), at(tc.at))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(cases.Tiers) {
				t.Errorf("at +%s: %d tiers, want all %d", tc.at, len(got), len(cases.Tiers))
			}
			for _, tier := range cases.Tiers {
				if got[tier] != tc.want[tier] {
					t.Errorf("at +%s %s: %+v, want %+v", tc.at, tier, got[tier], tc.want[tier])
				}
			}
		}
	})
}
