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
	"github.com/jiesu/jiesu/internal/outbox"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/studentchat"
	"github.com/jiesu/jiesu/internal/survey"
	"github.com/jiesu/jiesu/internal/web"
	"github.com/jiesu/jiesu/templates"
)

// attachmentRetry is how often images whose download failed are tried
// again.
const attachmentRetry = time.Minute

// students is the student side of jiesu: the WeChat Official Account
// channel when wechat.app_id is set (callback, conversation, sender), and
// the survey page, which serves every chat channel. It is wired in two
// steps because the outbox worker (which needs the sender) is built before
// the service (which needs the worker).
type students struct {
	cfg     *config.Config
	clock   clock.Clock
	log     *zap.Logger
	keys    *secret.Keyring
	links   *survey.Links
	cache   cache.Cache
	closers []func() error // what newStudents opened
	api     *wechat.API
	sender  *wechat.Sender
	windows *complainantWindows
	chat    *studentchat.Handler
}

// newStudents builds the parts the outbox needs. With no app id the
// WeChat channel is off and only the survey page remains. The cache (the
// access token, the callback's dedup) is c, shared with the unit side;
// nil: an in-process one. apiErrors hears WeChat's errcodes.
func newStudents(cfg *config.Config, keys *secret.Keyring, clk clock.Clock, log *zap.Logger, c cache.Cache, apiErrors func(code int64)) (*students, error) {
	s := &students{cfg: cfg, clock: clk, log: log, keys: keys, links: survey.NewLinks(keys, cfg.Server.BaseURL), windows: &complainantWindows{}, cache: c}
	if s.cache == nil {
		s.cache = cache.NewMemory(clk)
	}
	if !cfg.WeChat.Enabled() {
		log.Info("wechat channel off: no wechat.app_id")
		return s, nil
	}
	if cfg.WeChat.EncodingAESKey == "" {
		// Validation let it through only with wechat.allow_plaintext; say
		// so on every start, so that it is not left on in production.
		log.Warn("wechat channel in plaintext mode (wechat.allow_plaintext): the signature covers the URL, not the body, " +
			"so anyone holding a captured callback URL can post any message as any student; for testing only")
	}
	wc := wechat.ConfigFrom(cfg.WeChat)
	wc.OnAPIError = apiErrors
	s.api = wechat.NewAPI(wc, s.cache, nil)
	// Constructed for its token handle and cache, which library features
	// used later share; the callback and the sender need no more of it.
	_ = wechat.NewOfficialAccount(wc, s.cache, s.api)
	s.sender = wechat.NewSender(wc, s.api, s.windows, clk, log)
	return s, nil
}

// outboxOptions adds the student side to the outbox worker: the WeChat
// sender, and the survey link that the complainant's messages carry.
func (s *students) outboxOptions(p *outbox.Params) {
	if r, ok := p.Renderer.(*render.Renderer); ok {
		r.SetSurveyLink(s.links.Link)
	}
	if s.sender != nil {
		p.Senders = append(p.Senders, s.sender)
	}
}

// mount wires the conversation onto the service and serves the callback
// and the survey page.
func (s *students) mount(srv *web.Server, svc *service.Service, m *metrics.Metrics) error {
	units := render.BaseFrom(s.cfg).Units
	unitName := func(id string) string {
		if n := units[id]; n != "" {
			return n
		}
		return id
	}
	page, err := survey.NewPage(templates.Pages, svc, s.links, unitName, s.log)
	if err != nil {
		return err
	}
	srv.Handle(survey.PagePath+"{token}", page)
	if s.sender == nil {
		return nil
	}
	s.windows.svc = svc
	replies, err := studentchat.NewReplies(templates.Student, templates.FS, replyNames(s.cfg), s.cfg.Policy())
	if err != nil {
		return err
	}
	blobs, err := attach.NewDir(s.cfg.AttachmentsDir())
	if err != nil {
		return err
	}
	s.chat, err = studentchat.New(studentchat.Params{
		Service: svc, Inbox: service.NewInbox(svc, s.cache), Replies: replies,
		Channels: map[string]cases.Channel{bot.PlatformWeChat: cases.ChannelWeChatOA},
		Fetchers: map[string]studentchat.MediaFetcher{bot.PlatformWeChat: wechat.NewMedia(s.api)},
		Blobs:    blobs, SupplementWindow: s.cfg.WeChat.SupplementWindow, Clock: s.clock, Log: s.log,
	})
	if err != nil {
		return err
	}
	cb := wechat.NewCallback(wechat.ConfigFrom(s.cfg.WeChat), s.chat, wechat.CallbackOptions{
		Clock: s.clock, Log: s.log,
		Rejected: func(reason string) { m.CallbackRejected(string(cases.ChannelWeChatOA), reason) },
	})
	srv.Handle(s.cfg.WeChat.Path, cb)
	s.log.Info("wechat channel on", zap.String("path", s.cfg.WeChat.Path), zap.Bool("safe_mode", s.cfg.WeChat.EncodingAESKey != ""))
	return nil
}

// run retries attachment downloads until ctx ends. (The survey sweep runs
// on the SLA scheduler.)
func (s *students) run(ctx context.Context) error {
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

// close lets go of the token cache's Redis connection.
func (s *students) close() error {
	var errs []error
	for _, c := range s.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

func replyNames(cfg *config.Config) studentchat.Names {
	b := render.BaseFrom(cfg)
	return studentchat.Names{Units: b.Units, TierLabels: b.TierLabels, SupplementWindow: cfg.WeChat.SupplementWindow, Mask: b.Mask}
}

// complainantWindows answers the sender from the complainants' records:
// when each student last wrote. The service is set when it exists.
type complainantWindows struct {
	svc *service.Service
}

func (w *complainantWindows) LastMessageAt(ctx context.Context, openid string) (time.Time, bool, error) {
	if w.svc == nil {
		return time.Time{}, false, nil
	}
	c, err := w.svc.GetComplainant(ctx, cases.ChannelWeChatOA, openid)
	if errors.Is(err, cases.ErrNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	return c.LastMessageAt, !c.LastMessageAt.IsZero(), nil
}
