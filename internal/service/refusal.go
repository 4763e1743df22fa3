package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/jiesu/jiesu/internal/cases"
)

// EventRefused is the kind of the audit event of a refused action.
const EventRefused = "refused"

// RecordRefusal writes to a case's timeline that actor tried action and
// was refused, and why: a member of another unit pressing 接单 changes
// nothing, but the attempt is on record. A case that does not exist has no
// timeline; that is not an error.
func (s *Service) RecordRefusal(ctx context.Context, actor cases.Actor, ref string, action cases.Action, why error) error {
	c, err := s.load(ctx, ref)
	if errors.Is(err, cases.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ev := cases.Event{CaseID: c.ID, Kind: EventRefused, Actor: actor.MemberID, ActorUnit: actor.Unit, At: s.clock.Now(),
		From: c.State, To: c.State, Note: why.Error(), Data: cases.PayloadData(RefusedPayload{Action: string(action)})}
	if err := s.store.AppendEvent(ctx, ev); err != nil {
		return fmt.Errorf("record refusal on %s: %w", c.Number, err)
	}
	return nil
}
