package service

import (
	"context"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// OutboxQuery selects messages for the office: a state, a case (number or
// id), when they went dead, and a page.
type OutboxQuery struct {
	State     cases.OutboxState
	CaseRef   string
	DeadSince time.Time
	After     int64
	Limit     int
}

// Outbox lists the messages q selects, oldest first, for the school office
// and admins: the dead letters are theirs to retry or drop.
func (s *Service) Outbox(ctx context.Context, actor cases.Actor, q OutboxQuery) ([]cases.OutboxItem, error) {
	if err := mayManageOutbox(actor, "list_outbox"); err != nil {
		return nil, err
	}
	f := store.OutboxFilter{State: q.State, DeadSince: q.DeadSince, After: q.After, Limit: q.Limit}
	if q.CaseRef != "" {
		c, err := s.load(ctx, q.CaseRef)
		if err != nil {
			return nil, err
		}
		f.CaseID = c.ID
	}
	return s.store.FindOutbox(ctx, f)
}

// RetryMessage sends dead message id again from its first attempt.
func (s *Service) RetryMessage(ctx context.Context, actor cases.Actor, id int64, note string) error {
	if err := mayManageOutbox(actor, "retry_message"); err != nil {
		return err
	}
	act, err := s.outboxAct(actor, note)
	if err != nil {
		return err
	}
	if err := s.store.RetryOutbox(ctx, id, act); err != nil {
		return err
	}
	s.committed()
	return nil
}

// RetryDead sends again every message that went dead at or after since
// (all of them when since is zero) and returns their ids.
func (s *Service) RetryDead(ctx context.Context, actor cases.Actor, since time.Time, note string) ([]int64, error) {
	if err := mayManageOutbox(actor, "retry_message"); err != nil {
		return nil, err
	}
	act, err := s.outboxAct(actor, note)
	if err != nil {
		return nil, err
	}
	ids, err := s.store.RetryDeadOutbox(ctx, since, act)
	if len(ids) > 0 {
		s.committed()
	}
	return ids, err
}

// DropMessage gives up on dead or pending message id for good.
func (s *Service) DropMessage(ctx context.Context, actor cases.Actor, id int64, note string) error {
	if err := mayManageOutbox(actor, "drop_message"); err != nil {
		return err
	}
	act, err := s.outboxAct(actor, note)
	if err != nil {
		return err
	}
	return s.store.DropOutbox(ctx, id, act)
}

// outboxAct is the audit record of a retry or drop; the note obeys the
// text rule of every note.
func (s *Service) outboxAct(actor cases.Actor, note string) (store.OutboxAct, error) {
	if ve := cases.CheckText("note", note, cases.MaxNoteLength); ve != nil {
		return store.OutboxAct{}, ve
	}
	return store.OutboxAct{Actor: actor.MemberID, At: s.clock.Now(), Note: note}, nil
}

func mayManageOutbox(actor cases.Actor, action cases.Action) error {
	if !actor.Office() {
		return &cases.ForbiddenError{Action: action, Actor: actor.MemberID, Why: "undelivered messages are the school office's and the admins' to handle"}
	}
	return nil
}
