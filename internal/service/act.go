package service

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jiesu/jiesu/internal/cases"
)

// Act performs an action on the case ref; for a merge, primary is the
// primary case's number or id. The domain decides; the store
// writes the case, its events and its messages in one transaction. When
// another request changed the case in between, Act reads it again and lets
// the domain decide again, so two members pressing 接单 together get one
// acceptance and one clear refusal.
func (s *Service) Act(ctx context.Context, actor cases.Actor, ref string, cmd cases.Command, primary string) (cases.Case, error) {
	return s.ActWith(ctx, actor, ref, cmd, primary, nil)
}

// ActWith is Act with messages of the caller's own, made from the case as
// the transition left it, queued in the same transaction: a chat front end
// sends the member who accepted the complainant's contact, and a crash
// cannot lose it after the acceptance committed.
func (s *Service) ActWith(ctx context.Context, actor cases.Actor, ref string, cmd cases.Command, primary string, extra func(cases.Case) []cases.Message) (cases.Case, error) {
	ps := cmd.Problems()
	ps.Text("primary", primary, cases.MaxRefLength)
	if err := ps.Err(); err != nil {
		return cases.Case{}, err
	}
	if err := s.checkUnits("lead_unit", cmd.LeadUnit); err != nil {
		return cases.Case{}, err
	}
	if err := s.checkUnits("co_units", cmd.CoUnits...); err != nil {
		return cases.Case{}, err
	}
	if cmd.Category != "" && !s.knownCategory(cmd.Category) {
		return cases.Case{}, &cases.ValidationError{Field: "category", Why: "unknown category " + cmd.Category}
	}
	for attempt := 0; ; attempt++ {
		c, err := s.Get(ctx, actor, ref)
		if err != nil {
			return cases.Case{}, err
		}
		if attempt == 0 && IncidentAction(cmd.Action) {
			// A case of an incident passes the action on to all its cases.
			inc, err := s.store.IncidentOf(ctx, c.ID)
			if err == nil {
				return s.actOnIncident(ctx, actor, c, inc, cmd, extra)
			}
			if !errors.Is(err, cases.ErrNotFound) {
				return cases.Case{}, err
			}
		}
		if cmd.Action == cases.ActionMerge {
			if cmd.Primary, err = s.primary(ctx, primary); err != nil {
				return cases.Case{}, err
			}
		}
		out, err := cases.Apply(c, actor, cmd, s.clock.Now(), s.policy)
		if err != nil {
			return cases.Case{}, err
		}
		if extra != nil {
			out.Messages = append(out.Messages, extra(out.Case)...)
		}
		err = s.store.ApplyOutcome(ctx, c.Version, out)
		if errors.Is(err, cases.ErrConflict) && attempt < conflictRetries {
			continue
		}
		if err != nil {
			return cases.Case{}, fmt.Errorf("%s %s: %w", cmd.Action, c.Number, err)
		}
		if len(out.Messages) > 0 {
			s.committed()
		}
		return out.Case, nil
	}
}

func (s *Service) primary(ctx context.Context, ref string) (*cases.Case, error) {
	if ref == "" {
		return nil, &cases.ValidationError{Field: "primary", Why: "is required"}
	}
	p, err := s.load(ctx, ref)
	if errors.Is(err, cases.ErrNotFound) {
		return nil, &cases.ValidationError{Field: "primary", Why: "no case " + strconv.Quote(ref)}
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}
