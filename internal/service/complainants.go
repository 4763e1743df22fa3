package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/secret"
)

// ErrNotMobile is a phone that is not a mainland mobile number.
var ErrNotMobile = errors.New("not a mainland mobile number")

// TouchComplainant records a message from a chat complainant now and
// returns what is kept about them.
func (s *Service) TouchComplainant(ctx context.Context, channel cases.Channel, identity string) (cases.ChatComplainant, error) {
	return s.store.TouchComplainant(ctx, channel, identity, s.clock.Now())
}

// GetComplainant returns what is kept about a chat complainant
// (cases.ErrNotFound before their first message).
func (s *Service) GetComplainant(ctx context.Context, channel cases.Channel, identity string) (cases.ChatComplainant, error) {
	return s.store.GetComplainant(ctx, channel, identity)
}

// UpdateComplainant changes a chat complainant's record under a lock; see
// store.UpdateComplainant.
func (s *Service) UpdateComplainant(ctx context.Context, channel cases.Channel, identity string, fn func(*cases.ChatComplainant) error) (cases.ChatComplainant, error) {
	return s.store.UpdateComplainant(ctx, channel, identity, s.clock.Now(), fn)
}

// ComplainantPhone returns the phone a chat complainant gave, in the clear,
// for registering their next case; "" when they gave none.
func (s *Service) ComplainantPhone(c cases.ChatComplainant) (string, error) {
	if c.ContactState != cases.ContactBound || c.ContactSealed == "" {
		return "", nil
	}
	phone, err := s.keys.Open(c.ContactSealed)
	if err != nil {
		return "", fmt.Errorf("open phone of complainant: %w", err)
	}
	return phone, nil
}

// BindPhone keeps the mobile number a chat complainant gave, sealed, and
// gives it to every case of theirs still waiting for one, so their units
// can call. It returns the masked number and the cases that got it.
func (s *Service) BindPhone(ctx context.Context, channel cases.Channel, identity, phone string) (string, []cases.Case, error) {
	mobile, ok := secret.ValidMobile(phone)
	if !ok {
		return "", nil, ErrNotMobile
	}
	sealed, err := s.keys.Seal(mobile)
	if err != nil {
		return "", nil, fmt.Errorf("seal phone: %w", err)
	}
	masked := secret.MaskPhone(mobile)
	if _, err := s.UpdateComplainant(ctx, channel, identity, func(c *cases.ChatComplainant) error {
		c.ContactSealed, c.ContactMasked, c.ContactState = sealed, masked, cases.ContactBound
		return nil
	}); err != nil {
		return "", nil, err
	}
	open, err := s.casesWithoutContact(ctx, channel, identity)
	if err != nil {
		return "", nil, err
	}
	var bound []cases.Case
	for _, c := range open {
		// Each case gets its own sealing: one leaked value opens one case.
		caseSealed, err := s.keys.Seal(mobile)
		if err != nil {
			return "", nil, fmt.Errorf("seal phone: %w", err)
		}
		got, err := s.transition(ctx, c.Number, func(c cases.Case) (cases.Outcome, error) {
			return cases.BindContact(c, cases.SystemActor(), caseSealed, masked, s.keys.PhoneIndex(mobile), s.clock.Now())
		})
		if errors.Is(err, cases.ErrIllegalTransition) {
			continue // it moved on meanwhile (closed, or someone excluded it)
		}
		if err != nil {
			return "", nil, err
		}
		bound = append(bound, got)
	}
	return masked, bound, nil
}

// ExcludeWithoutContact takes a chat complainant's cases that have no
// phone out of assessment (不纳入考评, no_contact), as the policy says for
// complainants who stay anonymous; note says why (匿名, or no answer).
func (s *Service) ExcludeWithoutContact(ctx context.Context, channel cases.Channel, identity, note string) ([]cases.Case, error) {
	open, err := s.casesWithoutContact(ctx, channel, identity)
	if err != nil {
		return nil, err
	}
	var out []cases.Case
	for _, c := range open {
		got, err := s.Act(ctx, cases.SystemActor(), c.Number, cases.Command{Action: cases.ActionExclude, Exclusion: cases.ExcludeNoContact, Note: note}, "")
		if errors.Is(err, cases.ErrIllegalTransition) || errors.Is(err, cases.ErrForbidden) {
			continue // excluded, finished or given a phone meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, got)
	}
	return out, nil
}

// casesWithoutContact lists a chat complainant's unfinished cases that
// have no phone and no exclusion, newest first.
func (s *Service) casesWithoutContact(ctx context.Context, channel cases.Channel, identity string) ([]cases.Case, error) {
	list, err := s.store.ListCases(ctx, cases.Filter{Channel: channel, Identity: identity, Limit: cases.MaxListLimit})
	if err != nil {
		return nil, fmt.Errorf("cases of complainant: %w", err)
	}
	var out []cases.Case
	for _, c := range list {
		if !c.State.Final() && c.Complainant.NoContact && c.Exclusion == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// transition applies a change the domain computes outside Apply (binding a
// contact) with the same optimistic retry as Act.
func (s *Service) transition(ctx context.Context, ref string, fn func(cases.Case) (cases.Outcome, error)) (cases.Case, error) {
	for attempt := 0; ; attempt++ {
		c, err := s.load(ctx, ref)
		if err != nil {
			return cases.Case{}, err
		}
		out, err := fn(c)
		if err != nil {
			return cases.Case{}, err
		}
		err = s.store.ApplyOutcome(ctx, c.Version, out)
		if errors.Is(err, cases.ErrConflict) && attempt < conflictRetries {
			continue
		}
		if err != nil {
			return cases.Case{}, fmt.Errorf("%s: %w", c.Number, err)
		}
		if len(out.Messages) > 0 {
			s.committed()
		}
		return out.Case, nil
	}
}

// ExpireContactAsks settles the phone question of chat complainants asked
// before `before` who never answered: they are marked unanswered, and
// their cases without a phone are excluded from assessment. It returns how
// many complainants it settled.
func (s *Service) ExpireContactAsks(ctx context.Context, before time.Time) (int, error) {
	const batch = 100
	n := 0
	for {
		list, err := s.store.ComplainantsAskedBefore(ctx, before, batch)
		if err != nil {
			return n, err
		}
		for _, c := range list {
			settled := false
			if _, err := s.UpdateComplainant(ctx, c.Channel, c.Identity, func(c *cases.ChatComplainant) error {
				// Answered meanwhile: leave it.
				if settled = c.ContactState == cases.ContactAsked && c.AskedAt.Before(before); settled {
					c.ContactState = cases.ContactUnanswered
				}
				return nil
			}); err != nil {
				return n, err
			}
			if !settled {
				continue
			}
			// The exclusion's reason, no_contact, says it all; no note.
			if _, err := s.ExcludeWithoutContact(ctx, c.Channel, c.Identity, ""); err != nil {
				return n, err
			}
			n++
		}
		if len(list) < batch {
			return n, nil
		}
	}
}

// AskContact marks that a chat complainant is being asked for a phone
// now, and reports whether they never were before (so this receipt asks).
func (s *Service) AskContact(ctx context.Context, channel cases.Channel, identity string) (bool, error) {
	return s.store.AskContact(ctx, channel, identity, s.clock.Now())
}

// LatestOpenCase returns a chat complainant's newest case still with a
// unit (without its co-units), or cases.ErrNotFound.
func (s *Service) LatestOpenCase(ctx context.Context, channel cases.Channel, identity string) (cases.Case, error) {
	return s.store.LatestOpenCase(ctx, channel, identity)
}
