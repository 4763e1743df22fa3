package cli

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/wechat"
	"github.com/jiesu/jiesu/internal/attach"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/studentchat"
	"github.com/jiesu/jiesu/internal/survey"
	"github.com/jiesu/jiesu/internal/web"
	"github.com/jiesu/jiesu/templates"
)

// attachmentRetry is how often images whose download failed are tried
// again.
const attachmentRetry = time.Minute

// students is the sending half of the WeChat Official Account channel,
// which the outbox worker needs before the service exists. Both fields
// are nil when wechat.app_id is unset.
type students struct {
	api    *wechat.API
	sender *wechat.Sender
}

// newStudents builds the WeChat API client and sender on the shared cache
// (the access token). The sender learns when each student last wrote from
// the complainants' records in st. apiErrors hears WeChat's errcodes.
func newStudents(cfg *config.Config, st *store.Store, clk clock.Clock, log *zap.Logger, c cache.Cache, apiErrors func(code int64)) *students {
	if !cfg.WeChat.Enabled() {
		log.Info("wechat channel off: no wechat.app_id")
		return &students{}
	}
	if cfg.WeChat.EncodingAESKey == "" {
		// Validation let it through only with wechat.allow_plaintext; say
		// so on every start, so that it is not left on in production.
		log.Warn("wechat channel in plaintext mode (wechat.allow_plaintext): the signature covers the URL, not the body, " +
			"so anyone holding a captured callback URL can post any message as any student; for testing only")
	}
	wc := wechat.ConfigFrom(cfg.WeChat)
	wc.OnAPIError = apiErrors
	api := wechat.NewAPI(wc, c, nil)
	// Constructed for its token handle and cache, which library features
	// used later share; the callback and the sender need no more of it.
	_ = wechat.NewOfficialAccount(wc, c, api)
	return &students{api: api, sender: wechat.NewSender(wc, api, complainantWindows{st}, clk, log)}
}

// senders is what the outbox sends to students through: the Official
// Account's sender, when the channel is on.
func (s *students) senders() []bot.Sender {
	if s.sender == nil {
		return nil
	}
	return []bot.Sender{s.sender}
}

// studentChat is the receiving half of the student side, built on the
// service: the survey page, which serves every chat channel, and the
// Official Account's callback and conversation when the channel is on.
type studentChat struct {
	routes []web.Route
	chat   *studentchat.Handler // nil: the WeChat channel is off
	log    *zap.Logger
}

// studentChatDeps are what newStudentChat builds from.
type studentChatDeps struct {
	Config  *config.Config
	Service *service.Service
	Out     *students
	Links   *survey.Links
	Cache   cache.Cache // the callback's dedup
	Clock   clock.Clock
	Log     *zap.Logger
	Metrics *metrics.Metrics
}

func newStudentChat(d studentChatDeps) (*studentChat, error) {
	units := render.BaseFrom(d.Config).Units
	unitName := func(id string) string {
		if n := units[id]; n != "" {
			return n
		}
		return id
	}
	page, err := survey.NewPage(templates.Pages, d.Service, d.Links, unitName, d.Log)
	if err != nil {
		return nil, err
	}
	s := &studentChat{routes: []web.Route{{Pattern: survey.PagePath + "{token}", Handler: page}}, log: d.Log}
	if d.Out.sender == nil {
		return s, nil
	}
	cfg := d.Config
	replies, err := studentchat.NewReplies(templates.Student, templates.FS, replyNames(cfg), cfg.Policy())
	if err != nil {
		return nil, err
	}
	blobs, err := attach.NewDir(cfg.AttachmentsDir())
	if err != nil {
		return nil, err
	}
	s.chat, err = studentchat.New(studentchat.Params{
		Service: d.Service, Inbox: service.NewInbox(d.Service, d.Cache), Replies: replies,
		Channels: map[string]cases.Channel{bot.PlatformWeChat: cases.ChannelWeChatOA},
		Fetchers: map[string]studentchat.MediaFetcher{bot.PlatformWeChat: wechat.NewMedia(d.Out.api)},
		Blobs:    blobs, SupplementWindow: cfg.WeChat.SupplementWindow, Clock: d.Clock, Log: d.Log,
	})
	if err != nil {
		return nil, err
	}
	cb := wechat.NewCallback(wechat.ConfigFrom(cfg.WeChat), s.chat, wechat.CallbackOptions{
		Clock: d.Clock, Log: d.Log,
		Rejected: func(reason string) { d.Metrics.CallbackRejected(string(cases.ChannelWeChatOA), reason) },
	})
	s.routes = append(s.routes, web.Route{Pattern: cfg.WeChat.Path, Handler: cb})
	d.Log.Info("wechat channel on", zap.String("path", cfg.WeChat.Path), zap.Bool("safe_mode", cfg.WeChat.EncodingAESKey != ""))
	return s, nil
}

// run retries attachment downloads until ctx ends. (The survey sweep runs
// on the SLA scheduler.)
func (s *studentChat) run(ctx context.Context) error {
	if s.chat == nil {
		return nil
	}
	t := time.NewTicker(attachmentRetry)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if _, err := s.chat.FetchPending(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("attachment downloads", zap.Error(err))
		}
	}
}

func replyNames(cfg *config.Config) studentchat.Names {
	b := render.BaseFrom(cfg)
	return studentchat.Names{Units: b.Units, TierLabels: b.TierLabels, SupplementWindow: cfg.WeChat.SupplementWindow, Mask: b.Mask}
}

// complainantWindows answers the sender from the complainants' records:
// when each student last wrote. It reads the store, not the service, so
// that the sender exists before the service, which needs the outbox
// worker the sender belongs to.
type complainantWindows struct {
	store *store.Store
}

func (w complainantWindows) LastMessageAt(ctx context.Context, openid string) (time.Time, bool, error) {
	c, err := w.store.GetComplainant(ctx, cases.ChannelWeChatOA, openid)
	if errors.Is(err, cases.ErrNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	return c.LastMessageAt, !c.LastMessageAt.IsZero(), nil
}
