package studentchat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/service"
)

// content registers what the student sent as a new case, or adds it to
// their open one: when they said 补充, or when that case came in within
// the supplement window.
func (t *turn) content(ctx context.Context) (string, error) {
	text, what, place := t.describe()
	target, err := t.supplementTarget(ctx)
	if err != nil {
		return "", err
	}
	if target == nil && t.cmd.kind == cmdSupplement {
		// 补充 something with no open case: it is a new complaint, kept
		// as the student wrote it, 补充 and all.
		text = t.cmd.whole
	}
	if cases.TooLong(text, cases.MaxContentLength) {
		// Cutting it would lose what they wrote; they can split it.
		return t.render("too_long", map[string]int{"Length": utf8.RuneCountInString(text), "Max": cases.MaxContentLength})
	}
	if target != nil {
		return t.supplement(ctx, *target, text, what)
	}
	return t.register(ctx, text, place)
}

// describe gives the content of the message as a case or a supplement
// records it, what kind of thing it is in the reply's words, and the
// place it names. The words are in templates/student/labels_student.tmpl.
func (t *turn) describe() (text, what, place string) {
	in := t.in
	r := t.h.p.Replies
	what = r.label("what", in.Kind)
	switch in.Kind {
	case bot.KindImage:
		return r.label("content", "image"), what, ""
	case bot.KindVoice:
		if s := strings.TrimSpace(in.Text); s != "" {
			return s, what, ""
		}
		return r.label("content", "voice"), what, ""
	case bot.KindLocation:
		text = r.label("content", "location")
		if loc := in.Location; loc != nil {
			place = strings.TrimSpace(loc.Label)
			if cases.TooLong(place, cases.MaxPlaceLength) {
				place = "" // the content below keeps it whole
			}
			coords := strconv.FormatFloat(loc.Lat, 'f', 6, 64) + "," + strconv.FormatFloat(loc.Lng, 'f', 6, 64)
			if place != "" {
				coords = place + " (" + coords + ")"
			}
			text += coords
		}
		return text, what, place
	}
	return t.cmd.text, r.label("what", "text"), ""
}

// latestOpen is the student's newest case that a unit still works on.
func (t *turn) latestOpen(ctx context.Context) (*cases.Case, error) {
	if !t.profile.HasOpenCase {
		return nil, nil // as of this turn's touch, which looked
	}
	c, err := t.h.p.Service.LatestOpenCase(ctx, t.ch, t.in.From.ID)
	if errors.Is(err, cases.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// supplementTarget is the open case a message adds to, or nil.
func (t *turn) supplementTarget(ctx context.Context) (*cases.Case, error) {
	latest, err := t.latestOpen(ctx)
	if err != nil || latest == nil {
		return nil, err
	}
	c := *latest
	if t.in.MsgID != "" && c.Channel == t.ch && c.ChannelRef == t.in.MsgID {
		// This very message registered it: a retry after a handling that
		// failed past the commit. It is answered as the first run would
		// have been, with the receipt (register finds the case), not
		// added to its own case.
		return nil, nil
	}
	now := t.h.p.Clock.Now()
	explicit := t.cmd.kind == cmdSupplement && t.cmd.text != ""
	armed := now.Before(t.profile.SupplementUntil)
	recent := now.Sub(c.RegisteredAt) <= t.h.p.SupplementWindow
	if explicit || armed || recent {
		return &c, nil
	}
	return nil, nil
}

func (t *turn) supplement(ctx context.Context, c cases.Case, text, what string) (string, error) {
	h := t.h
	c, err := h.p.Service.Act(ctx, t.actor, c.Number, cases.Command{Action: cases.ActionSupplement, Note: text}, "")
	if err != nil {
		return "", fmt.Errorf("supplement %s: %w", c.Number, err)
	}
	if err := t.attach(ctx, c); err != nil {
		return "", err
	}
	if !t.profile.SupplementUntil.IsZero() {
		if _, err := h.p.Service.UpdateComplainant(ctx, t.ch, t.in.From.ID, func(p *cases.ChatComplainant) error {
			p.SupplementUntil = time.Time{} // used up
			return nil
		}); err != nil {
			return "", err
		}
	}
	h.log.Info("supplemented", zap.String("case", c.Number), zap.String("kind", string(t.in.Kind)))
	return t.render("supplemented", map[string]any{"Case": c, "What": what})
}

// register makes a new case of the message; the receipt asks for a phone
// the first time.
func (t *turn) register(ctx context.Context, text, place string) (string, error) {
	h := t.h
	phone, err := h.p.Service.ComplainantPhone(t.profile)
	if err != nil {
		return "", err
	}
	created, err := h.p.Service.Create(ctx, t.actor, service.CreateInput{
		Channel: t.ch, ChannelRef: t.in.MsgID, Identity: t.in.From.ID, Contact: phone,
		Content: text, Place: place,
	})
	if err != nil {
		return "", err
	}
	c := created.Case
	askPhone := false
	if phone == "" {
		switch t.profile.ContactState {
		case cases.ContactNeverAsked:
			// Ask once: the record said never; the inbox marks it asked
			// with this reply (see service.Inbox.OnceAs).
			askPhone, t.asksContact = true, true
		case cases.ContactAnonymous, cases.ContactUnanswered:
			note := h.p.Replies.label("note", "anonymous")
			if t.profile.ContactState == cases.ContactUnanswered {
				note = h.p.Replies.label("note", "no_answer")
			}
			// They answered the question before: this case is without
			// contact from the start, and out of assessment.
			excluded, err := h.p.Service.Act(ctx, t.actor, c.Number, cases.Command{Action: cases.ActionExclude, Exclusion: cases.ExcludeNoContact, Note: note}, "")
			switch {
			case err == nil:
				c = excluded
			case !errors.Is(err, cases.ErrIllegalTransition): // a retry finds it excluded already
				return "", err
			}
		}
	}
	if err := t.attach(ctx, c); err != nil {
		return "", err
	}
	if created.Created {
		h.log.Info("case from chat", zap.String("case", c.Number), zap.String("channel", string(t.ch)),
			zap.String("kind", string(t.in.Kind)), zap.String("tier", string(c.Tier)), zap.String("unit", c.LeadUnit))
	}
	return t.render("receipt", map[string]any{
		"Case": c, "TierLabel": h.p.Replies.tierLabel(c.Tier), "AskPhone": askPhone, "Triage": c.LeadUnit == "",
	})
}
