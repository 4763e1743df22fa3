package service

import (
	"context"
	"fmt"

	"github.com/jiesu/jiesu/internal/cases"
)

// AddAttachment links a file a complainant sent to case c and records it
// in the timeline. The same platform message (SourceRef) adds one
// attachment however often it is retried.
func (s *Service) AddAttachment(ctx context.Context, c cases.Case, a cases.Attachment) (cases.Attachment, error) {
	a.CaseID = c.ID
	a.CreatedAt = s.clock.Now()
	got, created, err := s.store.AddAttachment(ctx, a)
	if err != nil {
		return cases.Attachment{}, err
	}
	if created {
		ev := cases.Event{CaseID: c.ID, Kind: EventAttach, Actor: cases.SystemActor().MemberID, At: a.CreatedAt,
			From: c.State, To: c.State, Data: cases.PayloadData(AttachPayload{Attachment: got.ID, Kind: got.Kind})}
		if err := s.store.AppendEvent(ctx, ev); err != nil {
			return got, fmt.Errorf("record attachment of %s: %w", c.Number, err)
		}
	}
	return got, nil
}

// AttachmentStored records that an attachment's file is in the store.
func (s *Service) AttachmentStored(ctx context.Context, a cases.Attachment) error {
	return s.store.MarkAttachmentStored(ctx, a, s.clock.Now())
}

// AttachmentFailed counts a failed download; giveUp makes it final.
func (s *Service) AttachmentFailed(ctx context.Context, id int64, err error, giveUp bool) error {
	return s.store.MarkAttachmentFailed(ctx, id, err.Error(), giveUp)
}

// PendingAttachments lists attachments still to download.
func (s *Service) PendingAttachments(ctx context.Context, limit int) ([]cases.Attachment, error) {
	return s.store.PendingAttachments(ctx, limit)
}
