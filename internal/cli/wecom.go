package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/wecom"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/outbox"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/unitchat"
	"github.com/jiesu/jiesu/internal/web"
	"github.com/jiesu/jiesu/templates"
)

// Paths of the WeCom case page and its OAuth return, beside wecom.path.
const (
	weComPagePath  = "/wecom/cases/"
	weComOAuthPath = "/wecom/oauth"
)

// unitChat is how unit members reach jiesu from their chats: the WeCom app
// (callback, sender, case page) when wecom.corp_id is set, and the outbox
// options every platform's members need (the revealing renderer, the
// shared rate limiter).
type unitChat struct {
	cfg     *config.Config
	store   *store.Store
	keys    *secret.Keyring
	clock   clock.Clock
	log     *zap.Logger
	cache   cache.Cache
	limiter outbox.Limiter
	render  *render.Renderer
	client  *wecom.Client // nil: WeCom is off
	sender  *wecom.Sender
	closers []func() error
}

// unitChatDeps are what newUnitChat builds from; HTTP and Cache are for
// tests (default: a client with a timeout, and memory or Redis by
// redis.url).
type unitChatDeps struct {
	Config *config.Config
	Store  *store.Store
	Keys   *secret.Keyring
	Clock  clock.Clock
	Log    *zap.Logger
	HTTP   *http.Client
	// Cache and Limiter are shared with the student side (Redis, or in
	// process); nil: in-process ones of the unit side's own.
	Cache   cache.Cache
	Limiter outbox.Limiter
	// APIErrors hears WeCom's errcodes, for /metrics; nil: none.
	APIErrors func(code int64)
}

// newUnitChat builds the WeCom client and sender on the cache and limiter
// it is given (build makes them: Redis when redis.url is set, so replicas
// share the access token, the callback dedup and the rate limits).
func newUnitChat(ctx context.Context, d unitChatDeps) (_ *unitChat, err error) {
	u := &unitChat{cfg: d.Config, store: d.Store, keys: d.Keys, clock: d.Clock, log: d.Log, cache: d.Cache}
	defer func() {
		if err != nil {
			_ = u.close() // the Redis connection, if it was opened
		}
	}()
	if u.clock == nil {
		u.clock = clock.Real{}
	}
	u.limiter = d.Limiter
	if u.cache == nil {
		u.cache = cache.NewMemory(u.clock)
	}
	if u.limiter == nil {
		u.limiter = outbox.NewMemoryLimiter()
	}
	if u.render, err = render.New(templates.FS, d.Config.Server.TemplatesDir, render.BaseFrom(d.Config)); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	w := d.Config.WeCom
	if !w.Enabled() {
		return u, nil
	}
	u.client, err = wecom.NewClient(wecom.ClientConfig{APIBase: w.APIBase, CorpID: w.CorpID, Secret: w.Secret, AgentID: w.AgentID,
		HTTP: d.HTTP, Cache: u.cache, Clock: u.clock, Log: u.log, OnAPIError: d.APIErrors})
	if err != nil {
		return nil, err
	}
	groups := map[string]wecom.Group{}
	for _, unit := range d.Config.Units {
		if unit.Chat.Platform != config.PlatformWeCom {
			continue
		}
		groups[unit.ChatGroup()] = wecom.Group{Unit: unit.ID, RobotKey: unit.Chat.RobotKey, Parties: unit.Chat.Departments, Tags: unit.Chat.Tags}
		if !unit.HandlerLists() && len(d.Config.UnitMembers(unit.ID)) == 0 {
			u.log.Warn("WeCom unit has no departments, tags or members with wecom_user: its 接单 cards reach nobody", zap.String("unit", unit.ID))
		}
	}
	install, err := d.Store.InstallationID(ctx, u.clock.Now())
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(d.Config.Server.BaseURL, "/")
	u.sender = wecom.NewSender(wecom.SenderConfig{Installation: install, Client: u.client, Cards: d.Store, Groups: groups, Clock: u.clock, Log: u.log,
		PageURL: func(number string) string { return base + weComPagePath + url.PathEscape(number) }})
	return u, nil
}

// close releases the Redis connection.
func (u *unitChat) close() error {
	var errs []error
	for _, c := range u.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// outboxOptions add the WeCom sender, the shared limiter and the renderer
// that reveals the complainant to the member who accepted. It wraps
// p.Renderer: an option that needs the *render.Renderer must run before.
func (u *unitChat) outboxOptions(p *outbox.Params) {
	if u.sender != nil {
		p.Senders = append(p.Senders, u.sender)
	}
	p.Limiter = u.limiter
	p.Renderer = unitchat.Revealer{Next: p.Renderer, Keys: u.keys, Mask: u.cfg.TextMask()}
}

// ready adds WeCom's configuration errors (60020: IP not trusted…) to the
// readiness check: while WeCom refuses the app, cases reach no unit.
func (u *unitChat) ready(next web.Readiness) web.Readiness {
	if u.client == nil {
		return next
	}
	return func(ctx context.Context) error {
		if err := next(ctx); err != nil {
			return err
		}
		return u.client.Health().Check(ctx)
	}
}

// mount serves the app's callback, the OAuth return and the case page.
func (u *unitChat) mount(srv *web.Server, svc *service.Service, m *metrics.Metrics) error {
	if u.client == nil {
		return nil
	}
	w := u.cfg.WeCom
	var units []wecom.UnitDepartments
	for _, unit := range u.cfg.Units {
		var ids []int64
		for _, d := range unit.Chat.Departments {
			if n, err := strconv.ParseInt(d, 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
		if unit.Chat.Platform == config.PlatformWeCom && len(ids) > 0 {
			units = append(units, wecom.UnitDepartments{Unit: unit.ID, Departments: ids})
		}
	}
	books := map[string]bot.AddressBook{}
	if len(units) > 0 {
		books[bot.PlatformWeCom] = wecom.NewAddressBook(u.client, units, u.cache, 0)
	}
	handler := unitchat.NewHandler(svc, unitchat.NewPeople(u.cfg, books), u.render, u.clock, u.log)
	crypto, err := wecom.NewCrypto(w.Token, w.CorpID, w.EncodingAESKey)
	if err != nil {
		return err
	}
	cb, err := wecom.NewCallback(wecom.CallbackConfig{Crypto: crypto, AgentID: w.AgentID, Handler: handler, Codes: u.store,
		Dedup: u.cache, Clock: u.clock, ReplayWindow: w.ReplayWindow, Log: u.log,
		Rejected: func(reason string) { m.CallbackRejected(bot.PlatformWeCom, reason) }})
	if err != nil {
		return err
	}
	oauth, err := wecom.NewOAuth(wecom.OAuthConfig{Client: u.client, CorpID: w.CorpID, AgentID: w.AgentID, OAuthBase: w.OAuthBase,
		CallbackURL: strings.TrimRight(u.cfg.Server.BaseURL, "/") + weComOAuthPath, Sealer: u.keys, Clock: u.clock, Log: u.log})
	if err != nil {
		return err
	}
	page, err := unitchat.NewPage(handler, bot.PlatformWeCom, oauth, templates.Pages)
	if err != nil {
		return err
	}
	srv.Handle(w.Path, cb)
	srv.Handle("GET "+weComOAuthPath, oauth)
	srv.Handle("GET "+weComPagePath+"{number}", page)
	srv.Handle("POST "+weComPagePath+"{number}", page)
	return nil
}
