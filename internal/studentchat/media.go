package studentchat

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
)

// attach links the message's media to case c. An image is downloaded now,
// briefly; if that fails it stays pending for FetchPending. A voice keeps
// its media id only: its recognised text is the content.
func (t *turn) attach(ctx context.Context, c cases.Case) error {
	m := t.in.Media
	if m == nil || m.ID == "" || (t.in.Kind != bot.KindImage && t.in.Kind != bot.KindVoice) {
		return nil
	}
	a := cases.Attachment{Kind: string(t.in.Kind), Platform: t.in.Platform, MediaID: m.ID, SourceRef: t.in.MsgID, State: cases.AttachmentPending}
	if t.in.Kind == bot.KindVoice || t.h.p.Fetchers[t.in.Platform] == nil || t.h.p.Blobs == nil {
		a.State = cases.AttachmentRemote
	}
	got, err := t.h.p.Service.AddAttachment(ctx, c, a)
	if err != nil {
		return fmt.Errorf("attach to %s: %w", c.Number, err)
	}
	if got.State != cases.AttachmentPending {
		return nil
	}
	dctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	if err := t.h.download(dctx, got); err != nil {
		// The case is safe; the file follows.
		t.h.log.Warn("attachment download deferred", zap.String("case", c.Number), zap.Int64("attachment", got.ID), zap.Error(err))
	}
	return nil
}

// download fetches a pending attachment into the blob store and records
// it, or counts the failure.
func (h *Handler) download(ctx context.Context, a cases.Attachment) error {
	err := h.fetch(ctx, &a)
	if err == nil {
		return h.p.Service.AttachmentStored(ctx, a)
	}
	giveUp := a.Attempts+1 >= maxDownloadAttempts || errors.Is(err, errNoFetcher)
	if merr := h.p.Service.AttachmentFailed(context.WithoutCancel(ctx), a.ID, err, giveUp); merr != nil {
		return errors.Join(err, merr)
	}
	return err
}

var errNoFetcher = errors.New("no media fetcher for the platform")

func (h *Handler) fetch(ctx context.Context, a *cases.Attachment) error {
	f := h.p.Fetchers[a.Platform]
	if f == nil || h.p.Blobs == nil {
		return fmt.Errorf("%s: %w", a.Platform, errNoFetcher)
	}
	body, ctype, err := f.Fetch(ctx, bot.Media{ID: a.MediaID, Type: a.Kind})
	if err != nil {
		return err
	}
	defer body.Close()
	stored, err := h.p.Blobs.Put(ctx, body, ctype)
	if err != nil {
		return err
	}
	a.Path, a.Size, a.SHA256, a.ContentType = stored.Path, stored.Size, stored.SHA256, stored.ContentType
	return nil
}

// FetchPending downloads attachments whose first download failed; the
// serve command calls it periodically. It returns how many it stored.
func (h *Handler) FetchPending(ctx context.Context) (int, error) {
	pending, err := h.p.Service.PendingAttachments(ctx, 20)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, a := range pending {
		if err := h.download(ctx, a); err != nil {
			errs = append(errs, fmt.Errorf("attachment %d: %w", a.ID, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
