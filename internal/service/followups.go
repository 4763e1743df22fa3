package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// FollowUps is the hotline's phone follow-up list (回访): cases fed back
// through a chat channel at least survey.follow_up_after ago (48 h by
// default) that their complainant has not rated. Hotline operators and the
// school office see it; each case shows its complainant masked (reveal for
// the number).
func (s *Service) FollowUps(ctx context.Context, actor cases.Actor, limit int) ([]cases.Case, error) {
	if !actor.Has(cases.RoleOperator, cases.RoleSchoolOffice, cases.RoleAdmin) {
		return nil, &cases.ForbiddenError{Action: "follow_up", Actor: actor.MemberID, Why: "the follow-up list is for the hotline and the school office"}
	}
	list, err := s.store.AwaitingRating(ctx, s.clock.Now().Add(-s.cfg.Survey.FollowUpAfter), limit)
	if err != nil {
		return nil, fmt.Errorf("follow-ups: %w", err)
	}
	return list, nil
}

// CloseUnrated closes cases still unrated survey.close_unrated_after past
// their feedback at now, and returns how many it closed; the close event
// says rated=false. A case rated or closed meanwhile is skipped.
func (s *Service) CloseUnrated(ctx context.Context, now time.Time) (int, error) {
	cutoff := now.Add(-s.cfg.Survey.CloseUnratedAfter)
	n := 0
	for {
		list, err := s.store.AwaitingRating(ctx, cutoff, store.MaxListLimit)
		if err != nil {
			return n, fmt.Errorf("close unrated: %w", err)
		}
		closed := 0
		for _, c := range list {
			_, err := s.Act(ctx, cases.SystemActor(), c.Number, cases.Command{Action: cases.ActionClose}, "")
			if errors.Is(err, cases.ErrIllegalTransition) {
				continue
			}
			if err != nil {
				return n, err
			}
			closed++
		}
		n += closed
		if len(list) < store.MaxListLimit || closed == 0 {
			return n, nil
		}
	}
}
