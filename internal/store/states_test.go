package store_test

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// The partial indexes on cases name states in SQL that the domain names
// in Go, and the queries that use them are written from the Go lists: a
// state added to the clock or to the open states in Go, and not to the
// indexes by a migration, would leave its cases out of the sweep's index
// or make the planners stop using it. This test reads the predicates from
// the migrated schema and holds them to the domain's lists, in order.
func TestPartialIndexesMatchTheDomain(t *testing.T) {
	t.Parallel()
	want := map[string][]cases.State{
		"cases_sla_due":         cases.ClockStates,
		"cases_group":           cases.ClockStates,
		"cases_resolve_by_open": cases.OpenStates,
		"cases_open_tier":       cases.OpenStates,
		"cases_awaiting_rating": {cases.StateFeedbackGiven},
	}
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL`
		if s.Dialect() == store.DialectPostgres {
			q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'cases'`
		}
		rows, err := s.DBForTest().QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		where := regexp.MustCompile(`(?is)\bWHERE\b(.*)$`)
		stateWord := regexp.MustCompile(`\bstate\b`)
		literal := regexp.MustCompile(`'([a-z_]+)'`)
		seen := map[string]bool{}
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				t.Fatal(err)
			}
			m := where.FindStringSubmatch(def)
			if m == nil || !stateWord.MatchString(m[1]) {
				continue
			}
			seen[name] = true
			states, ok := want[name]
			if !ok {
				t.Errorf("index %s has a predicate on state that this test does not know: %s", name, def)
				continue
			}
			var got []cases.State
			for _, l := range literal.FindAllStringSubmatch(m[1], -1) {
				got = append(got, cases.State(l[1]))
			}
			if !slices.Equal(got, states) {
				t.Errorf("index %s is on states %v, the domain's list is %v (%s)", name, got, states, def)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		for name := range want {
			if !seen[name] {
				t.Errorf("index %s with a predicate on state is missing", name)
			}
		}
	})
}
