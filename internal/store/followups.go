package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// AwaitingRating returns cases fed back at or before `before` that their
// complainant has not rated yet (feedback_given), oldest feedback first,
// with their co-units: the hotline's follow-up list (回访) and the cases
// the survey sweep closes unrated. At most limit (capped at MaxListLimit).
func (s *Store) AwaitingRating(ctx context.Context, before time.Time, limit int) ([]cases.Case, error) {
	if limit <= 0 {
		limit = DefaultListLimit
	}
	limit = min(limit, MaxListLimit)
	var list []cases.Case
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, selectCase+` WHERE state = 'feedback_given' AND feedback_at <= $1
			ORDER BY feedback_at, id LIMIT $2`, s.d.time(before), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				return err
			}
			list = append(list, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return s.loadAssignments(ctx, tx, list)
	})
	if err != nil {
		return nil, fmt.Errorf("cases awaiting rating: %w", err)
	}
	return list, nil
}
