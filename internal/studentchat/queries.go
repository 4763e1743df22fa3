package studentchat

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/cases"
)

// listLimit is how many cases 查询 shows: a passive reply holds at most
// 2048 bytes.
const listLimit = 10

// list answers 查询: the student's latest cases with state and deadline.
func (t *turn) list(ctx context.Context) (string, error) {
	list, err := t.h.p.Service.List(ctx, t.actor, cases.Filter{Channel: t.ch, Identity: t.in.From.ID, Limit: listLimit + 1})
	if err != nil {
		return "", err
	}
	more := len(list) > listLimit
	if more {
		list = list[:listLimit]
	}
	return t.render("list", map[string]any{"Cases": list, "More": more})
}

// own returns the case numbered number if it is the student's, or nil.
func (t *turn) own(ctx context.Context, number string) (*cases.Case, error) {
	c, err := t.h.p.Service.Get(ctx, t.actor, number)
	if errors.Is(err, cases.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// Someone else's case is "not found" too: a number is not a secret,
	// but what happened to another student's complaint is.
	if c.Channel != t.ch || c.Complainant.Identity != t.in.From.ID {
		return nil, nil
	}
	return &c, nil
}

// eventLine is one line of a case's timeline as the student reads it.
type eventLine struct {
	At   time.Time
	Kind string
	Unit string
}

// studentEvents are the events a student sees in their case's timeline;
// the rest (reveals, exclusions, co-units' steps) are the office's.
var studentEvents = map[string]bool{
	"register": true, "dispatch": true, "accept": true, "return": true, "contact": true, "resolve": true,
	"feedback": true, "rate": true, "close": true, "merge": true, "withdraw": true, "request_extension": true,
	"approve_extension": true, "reject_extension": true, "supplement": true, "attach": true, "bind_contact": true,
}

// detail answers 查询 JS…: one case and its timeline in plain words.
func (t *turn) detail(ctx context.Context, number string) (string, error) {
	c, err := t.own(ctx, number)
	if err != nil {
		return "", err
	}
	if c == nil {
		return t.render("not_found", map[string]string{"Number": number})
	}
	evs, err := t.h.p.Service.Events(ctx, t.actor, c.Number)
	if err != nil {
		return "", err
	}
	var lines []eventLine
	for _, e := range evs {
		if !studentEvents[e.Kind] {
			continue
		}
		l := eventLine{At: e.At, Kind: e.Kind}
		if p, err := e.Payload(); err == nil {
			if d, ok := p.(*cases.DispatchPayload); ok {
				l.Unit = d.LeadUnit
			}
		}
		lines = append(lines, l)
	}
	// The passive reply is short: the latest steps tell the story.
	if len(lines) > 12 {
		lines = lines[len(lines)-12:]
	}
	return t.render("detail", map[string]any{"Case": c, "Events": lines})
}

// withdraw answers 撤回 JS…: withdraws an open case of the student's.
func (t *turn) withdraw(ctx context.Context, number string) (string, error) {
	if number == "" {
		return t.render("cannot_withdraw", map[string]any{"Case": cases.Case{}})
	}
	c, err := t.own(ctx, number)
	if err != nil {
		return "", err
	}
	if c == nil {
		return t.render("not_found", map[string]string{"Number": number})
	}
	if !c.State.Open() {
		return t.render("cannot_withdraw", map[string]any{"Case": c})
	}
	got, err := t.h.p.Service.Act(ctx, t.actor, c.Number, cases.Command{Action: cases.ActionWithdraw, Reason: t.h.p.Replies.label("note", "withdraw")}, "")
	if errors.Is(err, cases.ErrIllegalTransition) {
		return t.render("cannot_withdraw", map[string]any{"Case": c})
	}
	if err != nil {
		return "", err
	}
	t.h.log.Info("withdrawn by the complainant", zap.String("case", got.Number))
	return t.render("withdrawn", map[string]any{"Case": got})
}

// rate answers a digit: rates the student's case waiting for a rating
// (the latest fed back). One rating per case: a rated case waits no more.
func (t *turn) rate(ctx context.Context, digit int) (string, error) {
	waiting, err := t.h.p.Service.List(ctx, t.actor, cases.Filter{
		Channel: t.ch, Identity: t.in.From.ID, States: []cases.State{cases.StateFeedbackGiven}, Limit: 1,
	})
	if err != nil {
		return "", err
	}
	if len(waiting) == 0 {
		return t.render("nothing_to_rate", nil)
	}
	rating := cases.Ratings[digit-1]
	c, err := t.h.p.Service.Act(ctx, t.actor, waiting[0].Number, cases.Command{Action: cases.ActionRate, Rating: rating}, "")
	if errors.Is(err, cases.ErrIllegalTransition) {
		return t.render("nothing_to_rate", nil)
	}
	if err != nil {
		return "", err
	}
	t.h.log.Info("rated by the complainant", zap.String("case", c.Number), zap.String("rating", string(rating)))
	return t.render("rated", map[string]any{"Case": c, "Rating": rating, "Reopened": c.State == cases.StateReopened})
}
