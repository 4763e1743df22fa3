package store

import (
	"context"
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
	list, err := s.queryCases(ctx, selectCase+` WHERE state = 'feedback_given' AND feedback_at <= $1
			ORDER BY feedback_at, id LIMIT $2`, s.d.time(before), limit)
	if err != nil {
		return nil, fmt.Errorf("cases awaiting rating: %w", err)
	}
	return list, nil
}
