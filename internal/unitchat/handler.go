// Package unitchat is what unit members do from their chat tools: a press
// of 接单 on a card, a typed "办结 JS20261128-0042 已更换灯管", a form on
// the case page. It is the same on every platform (WeCom now, DingTalk
// next): the platform turns its callback into a bot.Inbound, and this
// package finds the member, checks their unit, and acts through the
// service, which is the only way a case changes.
package unitchat

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/service"
)

// Templates this package renders (templates/messages).
const (
	// TemplateReply answers a member.
	TemplateReply = cases.TemplateUnitReply
	// TemplateAccepted is the private message to the member who accepted:
	// the complainant's contact and the buttons of the next steps.
	TemplateAccepted = cases.TemplateCaseAcceptedMember
	// TemplateCardClosed closes a returned case's cards.
	TemplateCardClosed = cases.TemplateCardClosed
)

// Service is the part of *service.Service the handler uses.
type Service interface {
	Get(ctx context.Context, actor cases.Actor, ref string) (cases.Case, error)
	ActWith(ctx context.Context, actor cases.Actor, ref string, cmd cases.Command, primary string, extra func(cases.Case) []cases.Message) (cases.Case, error)
	Reveal(ctx context.Context, actor cases.Actor, ref string) (service.Contact, error)
	Shown(c cases.Case) (cases.Case, error)
	RecordRefusal(ctx context.Context, actor cases.Actor, ref string, action cases.Action, why error) error
}

// Renderer renders the replies; *render.Renderer is one.
type Renderer interface {
	Render(name cases.Template, d render.Data) (bot.Message, error)
}

// Handler is the bot.Handler of unit members' messages and presses.
type Handler struct {
	svc    Service
	people *People
	render Renderer
	clock  clock.Clock
	log    *zap.Logger
}

// NewHandler builds the handler.
func NewHandler(svc Service, people *People, r Renderer, clk clock.Clock, log *zap.Logger) *Handler {
	if clk == nil {
		clk = clock.Real{}
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &Handler{svc: svc, people: people, render: r, clock: clk, log: log.Named("unitchat")}
}

// Handle implements bot.Handler.
func (h *Handler) Handle(ctx context.Context, in bot.Inbound) (bot.Reply, error) {
	var req request
	switch {
	case in.Kind == bot.KindAction && in.Action != nil:
		req = actionRequest(in.Action)
	case in.Kind == bot.KindText:
		req = parseCommand(in.Text)
	default:
		return bot.Reply{}, nil
	}
	actor, err := h.people.Actor(ctx, in.Platform, in.From.ID)
	if errors.Is(err, ErrStranger) {
		if req.number != "" {
			h.refused(ctx, actor, req, err)
		}
		return h.reply(req, "stranger", nil)
	}
	if err != nil {
		return bot.Reply{}, err
	}
	if req.action == help {
		return h.reply(req, "help", nil)
	}
	r, err := h.do(ctx, actor, req)
	if err != nil {
		return bot.Reply{}, err
	}
	return h.reply(req, r.Kind, r.Extra)
}

// Result is what came of a request, for the reply: a unit_reply kind and
// its data.
type Result struct {
	Kind  string
	Extra map[string]string
	Case  cases.Case
}

// do performs req for actor and says how it went. Its error is only an
// internal failure; every refusal is a Result.
func (h *Handler) do(ctx context.Context, actor cases.Actor, req request) (Result, error) {
	cmd := cases.Command{Action: req.action}
	var extra func(cases.Case) []cases.Message
	var accepted []string // the cases whose private message shows their complainant
	switch req.action {
	case cases.ActionAccept:
		extra = func(c cases.Case) []cases.Message {
			if !slices.Contains(accepted, c.Number) { // a transition re-decided on a conflict comes twice
				accepted = append(accepted, c.Number)
			}
			return []cases.Message{{Template: TemplateAccepted, To: cases.Recipient{Kind: cases.ToMember, ID: actor.MemberID},
				Data: map[string]string{"member": actor.MemberID, "member_name": actor.Name}}}
		}
	case cases.ActionContact:
		cmd.Note = req.text
	case cases.ActionResolve:
		cmd.Result = req.text
	case cases.ActionReturn:
		cmd.Reason = req.text
		unit := actor.Unit
		extra = func(cases.Case) []cases.Message {
			return []cases.Message{{Template: TemplateCardClosed, To: cases.Recipient{Kind: cases.ToUnit, ID: unit}}}
		}
	case cases.ActionRequestExtension:
		cmd.Reason = req.text
		if req.until == "" {
			return need(req, "until"), nil
		}
		c, err := h.svc.Get(ctx, actor, req.number)
		if err != nil {
			return h.refusal(ctx, actor, req, err)
		}
		until, ok := parseUntil(req.until, c.ResolveBy, h.clock.Now())
		if !ok {
			return need(req, "until"), nil
		}
		cmd.Until = until
	case cases.ActionApproveExtension, cases.ActionRejectExtension:
		// The school office decides on its card; the domain checks it is.
		cmd.Note = req.text
	case cases.ActionChangeTier:
		// The office's one-tap downgrade: no tier, back to the one before
		// the text made the case urgent.
		cmd.Reason = req.text
	case cases.ActionCoAccept:
		cmd.Unit = actor.Unit
	case cases.ActionCoReport:
		cmd.Unit, cmd.Report = actor.Unit, req.text
	default:
		return Result{Kind: "help"}, nil
	}
	c, err := h.svc.ActWith(ctx, actor, req.number, cmd, "", extra)
	if err != nil {
		return h.refusal(ctx, actor, req, err)
	}
	h.log.Info("member acted", zap.String("case", c.Number), zap.String("action", string(req.action)), zap.String("member", actor.MemberID))
	if req.action == cases.ActionAccept {
		// Each private message carries its complainant's contact: on the
		// timeline, that is a reveal, for every case the accept moved (all
		// of an incident's that waited). A confidential case reveals
		// nothing, nor one whose accept did not commit: neither is the
		// member's to reveal.
		for _, n := range accepted {
			if _, err := h.svc.Reveal(ctx, actor, n); err != nil && !errors.Is(err, cases.ErrForbidden) {
				h.log.Warn("record the reveal", zap.String("case", n), zap.Error(err))
			}
		}
		return Result{Kind: "accepted", Extra: map[string]string{"action": string(req.action), "number": c.Number}, Case: c}, nil
	}
	return Result{Kind: "done", Extra: map[string]string{"action": string(req.action), "number": c.Number}, Case: c}, nil
}

// refusal turns a refused action into its reply, recording on the case's
// timeline a member acting for a unit that is not theirs.
func (h *Handler) refusal(ctx context.Context, actor cases.Actor, req request, err error) (Result, error) {
	extra := map[string]string{"action": string(req.action), "number": req.number}
	var te *cases.TransitionError
	var ve *cases.ValidationError
	switch {
	case errors.Is(err, cases.ErrNotFound):
		return Result{Kind: "not_found", Extra: extra}, nil
	case errors.Is(err, cases.ErrForbidden):
		h.refused(ctx, actor, req, err)
		return Result{Kind: "refused", Extra: extra}, nil
	case errors.As(err, &te):
		c, gerr := h.svc.Get(ctx, actor, req.number)
		if gerr != nil {
			return Result{}, fmt.Errorf("%s %s: %w", req.action, req.number, gerr)
		}
		if req.action == cases.ActionAccept && c.FirstHandler != "" {
			extra["name"] = h.people.Name(ctx, c.FirstHandler)
			return Result{Kind: "taken", Extra: extra, Case: c}, nil
		}
		extra["state"] = string(c.State)
		return Result{Kind: "state", Extra: extra, Case: c}, nil
	case errors.As(err, &ve):
		return need(req, ve.Field), nil
	}
	return Result{}, err
}

func need(req request, field string) Result {
	return Result{Kind: "need_text", Extra: map[string]string{"action": string(req.action), "number": req.number, "field": field}}
}

// refused writes the audit event of a refused member.
func (h *Handler) refused(ctx context.Context, actor cases.Actor, req request, why error) {
	h.log.Warn("member refused", zap.String("case", req.number), zap.String("action", string(req.action)),
		zap.String("member", actor.MemberID), zap.String("unit", actor.Unit))
	if err := h.svc.RecordRefusal(ctx, actor, req.number, req.action, why); err != nil {
		h.log.Error("record refusal", zap.String("case", req.number), zap.Error(err))
	}
}

// reply renders the answer: its first line for a card press (it replaces
// the button), all of it for a typed command.
func (h *Handler) reply(req request, kind string, extra map[string]string) (bot.Reply, error) {
	if req.card && !req.digest && kind == "accepted" {
		// The card is updated for everyone with who took it; the presser's
		// button must stay as it is until then. A digest card is not
		// updated: its presser is answered at once.
		return bot.Reply{}, nil
	}
	data := map[string]string{"kind": kind, "action": string(req.action), "number": req.number}
	for k, v := range extra {
		data[k] = v
	}
	m, err := h.render.Render(TemplateReply, render.Data{Extra: data, Now: h.clock.Now()})
	if err != nil {
		return bot.Reply{}, fmt.Errorf("reply %s: %w", kind, err)
	}
	switch {
	case req.card:
		return bot.Reply{Text: m.Title}, nil
	case kind == "help":
		return bot.Reply{Text: m.PlainText()}, nil
	}
	return bot.Reply{Text: m.Text}, nil
}
