// Package studentchat is the conversation a complainant has with jiesu in
// a chat (the WeChat Official Account now, the browser sandbox later): it
// turns what they send into a case or an addition to one, binds their
// phone, answers 查询 and 撤回, takes their rating, and says something
// useful to anything else. It is a bot.Handler and knows no platform's
// wire format; all wording is in templates/student.
package studentchat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/attach"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
)

// Menu keys of the Official Account's click menu (EventKey), created by
// jiesu wechat menu sync from templates/wechat_menu.json.
const (
	MenuReport  = "report"   // 我要反映
	MenuMyCases = "my_cases" // 我的诉求
	MenuHelp    = "help"     // 使用帮助
)

// MenuKeys lists the click keys the conversation answers, for checking a
// menu before it is sent to WeChat (jiesu wechat menu sync).
func MenuKeys() []string { return []string{MenuReport, MenuMyCases, MenuHelp} }

// downloadTimeout bounds fetching an image while the platform waits for
// the reply; a slower download is left to FetchPending.
const downloadTimeout = 2 * time.Second

// maxDownloadAttempts before an attachment is given up.
const maxDownloadAttempts = 5

// Service is what the conversation needs of service.Service.
type Service interface {
	Create(ctx context.Context, actor cases.Actor, in service.CreateInput) (service.Created, error)
	Act(ctx context.Context, actor cases.Actor, ref string, cmd cases.Command, primary string) (cases.Case, error)
	Get(ctx context.Context, actor cases.Actor, ref string) (cases.Case, error)
	List(ctx context.Context, actor cases.Actor, f cases.Filter) ([]cases.Case, error)
	Events(ctx context.Context, actor cases.Actor, ref string) ([]cases.Event, error)
	UpdateComplainant(ctx context.Context, channel cases.Channel, identity string, fn func(*cases.ChatComplainant) error) (cases.ChatComplainant, error)
	LatestOpenCase(ctx context.Context, channel cases.Channel, identity string) (cases.Case, error)
	ComplainantPhone(c cases.ChatComplainant) (string, error)
	BindPhone(ctx context.Context, channel cases.Channel, identity, phone string) (string, []cases.Case, error)
	ExcludeWithoutContact(ctx context.Context, channel cases.Channel, identity, note string) ([]cases.Case, error)
	AddAttachment(ctx context.Context, c cases.Case, a cases.Attachment) (cases.Attachment, error)
	AttachmentStored(ctx context.Context, a cases.Attachment) error
	AttachmentFailed(ctx context.Context, id int64, err error, giveUp bool) error
	PendingAttachments(ctx context.Context, limit int) ([]cases.Attachment, error)
}

// Inbox runs a platform message's handling once; *service.Inbox is one.
type Inbox interface {
	OnceAs(ctx context.Context, channel cases.Channel, key, identity string, handle func(ctx context.Context, who cases.ChatComplainant) (service.Answer, error)) (string, error)
}

// MediaFetcher downloads a platform's media (WeChat's media API).
type MediaFetcher interface {
	Fetch(ctx context.Context, m bot.Media) (body io.ReadCloser, contentType string, err error)
}

// Blobs keeps downloaded files; *attach.Dir is one.
type Blobs interface {
	Put(ctx context.Context, r io.Reader, contentType string) (attach.Stored, error)
}

// Params build a Handler. Service, Inbox and Replies are required.
type Params struct {
	Service Service
	Inbox   Inbox
	Replies *Replies
	// Channels maps a platform to the channel its cases are registered
	// under (wechat → wechat_oa, sandbox → web).
	Channels map[string]cases.Channel
	// Fetchers download media per platform; Blobs keeps them. A platform
	// without a fetcher keeps media ids only.
	Fetchers map[string]MediaFetcher
	Blobs    Blobs
	// SupplementWindow: a message this soon after the student's last open
	// case was registered is added to it (wechat.supplement_window); it is
	// also how long the phone question waits for an answer.
	SupplementWindow time.Duration
	Clock            clock.Clock
	Log              *zap.Logger
}

// Handler is the student conversation.
type Handler struct {
	p   Params
	log *zap.Logger
}

// New builds a Handler.
func New(p Params) (*Handler, error) {
	if p.Service == nil || p.Inbox == nil || p.Replies == nil {
		return nil, errors.New("studentchat: Service, Inbox and Replies are required")
	}
	if p.Clock == nil {
		p.Clock = clock.Real{}
	}
	if p.Log == nil {
		p.Log = zap.NewNop()
	}
	if p.SupplementWindow <= 0 {
		p.SupplementWindow = 10 * time.Minute
	}
	return &Handler{p: p, log: p.Log.Named("studentchat")}, nil
}

// ErrUnknownPlatform is an inbound from a platform the handler serves no
// channel for.
var ErrUnknownPlatform = errors.New("no channel for the platform")

// Handle answers one inbound. Anything it cannot use gets the help reply
// and changes nothing; everything else is handled once per platform
// message (retries get the first reply) and answered after it is
// committed. An error means the platform should retry later.
func (h *Handler) Handle(ctx context.Context, in bot.Inbound) (bot.Reply, error) {
	ch, ok := h.p.Channels[in.Platform]
	if !ok || in.From.ID == "" {
		return bot.Reply{}, fmt.Errorf("studentchat %q: %w", in.Platform, ErrUnknownPlatform)
	}
	in = clean(in)
	t := &turn{h: h, ch: ch, in: in, actor: cases.SystemActor()}
	switch in.Kind {
	case bot.KindEvent:
		return t.event(ctx)
	case bot.KindText:
		t.cmd = parse(in.Text, isMobile)
		if t.cmd.kind == cmdUnusable {
			reason := "empty"
			if strings.TrimSpace(in.Text) != "" {
				reason = "unsupported"
			}
			return h.reply("help", map[string]string{"Reason": reason})
		}
		if t.cmd.kind == cmdHelp {
			return h.reply("help", map[string]string{"Reason": ""})
		}
	case bot.KindImage, bot.KindVoice, bot.KindLocation:
		if in.Kind != bot.KindLocation && (in.Media == nil || in.Media.ID == "") && strings.TrimSpace(in.Text) == "" {
			return h.reply("help", map[string]string{"Reason": "unsupported"})
		}
		t.cmd = command{kind: cmdContent}
	default:
		// Video, a link, a file, a type that did not exist yesterday.
		return h.reply("help", map[string]string{"Reason": "unsupported"})
	}
	text, err := h.p.Inbox.OnceAs(ctx, ch, in.MsgID, in.From.ID, t.run)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: text}, nil
}

func (h *Handler) reply(name string, data any) (bot.Reply, error) {
	text, err := h.p.Replies.Render(name, data)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: text}, nil
}

// turn is one inbound's handling.
type turn struct {
	h       *Handler
	ch      cases.Channel
	in      bot.Inbound
	actor   cases.Actor
	cmd     command
	profile cases.ChatComplainant
	// asksContact: the reply asks for a phone; the inbox records that it
	// did together with the reply.
	asksContact bool
}

func (t *turn) render(name string, data any) (string, error) {
	return t.h.p.Replies.Render(name, data)
}

// event answers follows and menu clicks. None of them changes anything, so
// they need no deduplication.
func (t *turn) event(ctx context.Context) (bot.Reply, error) {
	ev := t.in.Event
	switch strings.ToLower(ev.Name) {
	case "subscribe":
		return t.h.reply("welcome", nil)
	case "click":
		switch strings.ToLower(ev.Key) {
		case MenuReport:
			return t.h.reply("report_guide", nil)
		case MenuMyCases:
			text, err := t.list(ctx)
			return bot.Reply{Text: text}, err
		}
		return t.h.reply("help", map[string]string{"Reason": ""})
	}
	// Unfollow, scans, view clicks, subscription results, delivery
	// reports: nothing to say.
	return bot.Reply{}, nil
}

// run handles a message that may change something; Inbox runs it once.
func (t *turn) run(ctx context.Context, who cases.ChatComplainant) (service.Answer, error) {
	t.profile = who
	text, err := t.dispatch(ctx)
	return service.Answer{Text: text, AsksContact: t.asksContact}, err
}

// dispatch is run's choice of what to do with the message.
func (t *turn) dispatch(ctx context.Context) (string, error) {
	switch t.cmd.kind {
	case cmdList:
		return t.list(ctx)
	case cmdDetail:
		return t.detail(ctx, t.cmd.number)
	case cmdWithdraw:
		return t.withdraw(ctx, t.cmd.number)
	case cmdRate:
		return t.rate(ctx, t.cmd.digit)
	case cmdPhone:
		return t.bindPhone(ctx)
	case cmdAnonymous:
		return t.anonymous(ctx)
	}
	// Anything else moves on from the phone question; if it has waited
	// past its window, it lapses now.
	if err := t.lapseQuestion(ctx); err != nil {
		return "", err
	}
	if t.cmd.kind == cmdSupplement && t.cmd.text == "" && t.in.Kind == bot.KindText {
		return t.armSupplement(ctx)
	}
	return t.content(ctx)
}

// clean holds what a student sent to cases.CleanText: they cannot fix a
// control character or a broken byte their phone sent, so it is dropped
// rather than refused, and nothing reaches the database that it would
// refuse.
func clean(in bot.Inbound) bot.Inbound {
	in.From.ID, in.MsgID, in.Text = cases.CleanText(in.From.ID), cases.CleanText(in.MsgID), cases.CleanText(in.Text)
	if in.Location != nil {
		loc := *in.Location
		loc.Label = cases.CleanText(loc.Label)
		in.Location = &loc
	}
	return in
}

// isMobile reports whether a whole message is a mainland mobile number.
func isMobile(s string) bool { _, ok := secret.ValidMobile(s); return ok }
