package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// AwaitingRating returns cases not yet rated by their complainant
// (feedback_given), oldest feedback first, with their co-units: those fed
// back through a chat channel at or before chatBefore, and the others at or
// before otherBefore. They are the hotline's follow-up list (回访) and the
// cases the survey sweep closes unrated. At most limit (capped at
// MaxListLimit).
func (s *Store) AwaitingRating(ctx context.Context, chatBefore, otherBefore time.Time, limit int) ([]cases.Case, error) {
	if limit <= 0 {
		limit = cases.DefaultListLimit
	}
	limit = min(limit, cases.MaxListLimit)
	chat := chatChannelsSQL()
	list, err := s.queryCases(ctx, selectCase+` WHERE state = 'feedback_given'
			AND ((channel IN `+chat+` AND feedback_at <= $1) OR (channel NOT IN `+chat+` AND feedback_at <= $2))
			ORDER BY feedback_at, id LIMIT $3`, s.d.time(chatBefore), s.d.time(otherBefore), limit)
	if err != nil {
		return nil, fmt.Errorf("cases awaiting rating: %w", err)
	}
	return list, nil
}

// chatChannelsSQL is the chat channels as an SQL list of literals.
func chatChannelsSQL() string {
	var quoted []string
	for _, c := range cases.Channels {
		if c.Chat() {
			quoted = append(quoted, "'"+string(c)+"'")
		}
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}
