package studentchat

import (
	"context"
	"errors"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/service"
)

// bindPhone answers a mobile number: kept (sealed) for the student's
// cases, given to those still without one.
func (t *turn) bindPhone(ctx context.Context) (string, error) {
	masked, bound, err := t.h.p.Service.BindPhone(ctx, t.ch, t.in.From.ID, t.cmd.phone)
	if errors.Is(err, service.ErrNotMobile) {
		return t.render("help", map[string]string{"Reason": ""})
	}
	if err != nil {
		return "", err
	}
	return t.render("phone_bound", map[string]any{"Masked": masked, "Cases": len(bound)})
}

// anonymous answers 匿名: no phone now or later, and the cases without
// one are excluded from assessment, as the policy says.
func (t *turn) anonymous(ctx context.Context) (string, error) {
	if _, err := t.h.p.Service.UpdateComplainant(ctx, t.ch, t.in.From.ID, func(p *cases.ChatComplainant) error {
		p.ContactState, p.ContactSealed, p.ContactMasked = cases.ContactAnonymous, "", ""
		return nil
	}); err != nil {
		return "", err
	}
	if _, err := t.h.p.Service.ExcludeWithoutContact(ctx, t.ch, t.in.From.ID, t.h.p.Replies.label("note", "anonymous")); err != nil {
		return "", err
	}
	return t.render("anonymous", nil)
}

// lapseQuestion settles a phone question that waited past the window
// without an answer: the student's cases stay without contact.
func (t *turn) lapseQuestion(ctx context.Context) error {
	p := t.profile
	if p.ContactState != cases.ContactAsked || t.h.p.Clock.Now().Sub(p.AskedAt) <= t.h.p.SupplementWindow {
		return nil
	}
	lapsed := false
	updated, err := t.h.p.Service.UpdateComplainant(ctx, t.ch, t.in.From.ID, func(p *cases.ChatComplainant) error {
		if lapsed = p.ContactState == cases.ContactAsked; lapsed {
			p.ContactState = cases.ContactUnanswered
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Only the touch at the start of the turn looks for an open case; an
	// update's record does not say, and the turn still needs to know.
	updated.HasOpenCase = t.profile.HasOpenCase
	t.profile = updated
	if !lapsed {
		return nil
	}
	_, err = t.h.p.Service.ExcludeWithoutContact(ctx, t.ch, t.in.From.ID, t.h.p.Replies.label("note", "no_answer"))
	return err
}

// armSupplement answers a bare 补充: the next message, within the window,
// goes to the open case.
func (t *turn) armSupplement(ctx context.Context) (string, error) {
	target, err := t.latestOpen(ctx)
	if err != nil {
		return "", err
	}
	if target == nil {
		return t.render("no_open_case", nil)
	}
	until := t.h.p.Clock.Now().Add(t.h.p.SupplementWindow)
	if _, err := t.h.p.Service.UpdateComplainant(ctx, t.ch, t.in.From.ID, func(p *cases.ChatComplainant) error {
		p.SupplementUntil = until
		return nil
	}); err != nil {
		return "", err
	}
	return t.render("supplement_prompt", map[string]any{"Case": target})
}
