package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// pastDue is the SQL for "past its resolve-by time at p"; for an open case
// that is overdue, as cases.Case.Overdue decides it.
func pastDue(p string) string {
	return `(resolve_by IS NOT NULL AND resolve_by < ` + p + `)`
}

// lateOpen is the SQL for "open and overdue at p".
func lateOpen(p string) string {
	return `(state IN ` + openStatesSQL() + ` AND ` + pastDue(p) + `)`
}

// CountOpenCases returns, for every tier, the open cases and the overdue
// ones at now. It reads only open cases (the cases_open_tier index, which
// holds every column it needs), so its
// cost follows the backlog, not the history a scrape would otherwise
// count on every call.
func (s *Store) CountOpenCases(ctx context.Context, now time.Time) (map[cases.Tier]cases.OpenCount, error) {
	counts := make(map[cases.Tier]cases.OpenCount, len(cases.Tiers))
	for _, t := range cases.Tiers {
		counts[t] = cases.OpenCount{}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT tier, count(*), coalesce(sum(CASE WHEN `+pastDue("$1")+` THEN 1 ELSE 0 END), 0)
		FROM cases WHERE state IN `+openStatesSQL()+` GROUP BY tier`, s.d.time(now))
	if err != nil {
		return nil, fmt.Errorf("count open cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t cases.Tier
		var c cases.OpenCount
		if err := rows.Scan(&t, &c.Open, &c.Overdue); err != nil {
			return nil, fmt.Errorf("count open cases: %w", err)
		}
		counts[t] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count open cases: %w", err)
	}
	return counts, nil
}
