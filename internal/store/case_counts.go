package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// OpenCount is how many cases of a tier are open, and how many of those
// are past their resolve-by time.
type OpenCount struct {
	Open    int
	Overdue int
}

// lateOpen is the SQL for "open and past its resolve-by time at p", as
// cases.Case.Overdue decides it for an open case.
func lateOpen(p string) string {
	return `(state IN ` + openStatesSQL + ` AND resolve_by IS NOT NULL AND resolve_by < ` + p + `)`
}

// CountOpenCases returns, for every tier, the open cases and the overdue
// ones at now. It reads only open cases (the cases_state index), so its
// cost follows the backlog, not the history a scrape would otherwise
// count on every call.
func (s *Store) CountOpenCases(ctx context.Context, now time.Time) (map[cases.Tier]OpenCount, error) {
	counts := make(map[cases.Tier]OpenCount, len(cases.Tiers))
	for _, t := range cases.Tiers {
		counts[t] = OpenCount{}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT tier, count(*), coalesce(sum(CASE WHEN `+lateOpen("$1")+` THEN 1 ELSE 0 END), 0)
		FROM cases WHERE state IN `+openStatesSQL+` GROUP BY tier`, s.d.time(now))
	if err != nil {
		return nil, fmt.Errorf("count open cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t cases.Tier
		var c OpenCount
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
