package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// FollowUps is the hotline's phone follow-up list (回访) of cases their
// complainant has not rated: those fed back through a chat channel at
// least survey.follow_up_after ago (48 h by default), whose survey went
// unanswered; and every other case from its feedback on, since its 回访 is
// the hotline's own call, which the policy wants within 48 hours. Hotline operators and the
// school office see it; each case shows its complainant masked (reveal for
// the number).
func (s *Service) FollowUps(ctx context.Context, actor cases.Actor, limit int) ([]cases.Case, error) {
	if !actor.Has(cases.RoleOperator, cases.RoleSchoolOffice, cases.RoleAdmin) {
		return nil, &cases.ForbiddenError{Action: "follow_up", Actor: actor.MemberID, Why: "the follow-up list is for the hotline and the school office"}
	}
	now := s.clock.Now()
	list, err := s.store.AwaitingRating(ctx, now.Add(-s.cfg.Survey.FollowUpAfter), now, limit)
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
		list, err := s.store.AwaitingRating(ctx, cutoff, cutoff, cases.MaxListLimit)
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
		if len(list) < cases.MaxListLimit || closed == 0 {
			return n, nil
		}
	}
}
