package cli

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/bot/wecom"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/metrics"
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

// unitChat is the WeCom app through which unit members reach jiesu from
// their chats (callback, sender, case page). Its client and sender are
// nil when wecom.corp_id is unset.
type unitChat struct {
	cfg    *config.Config
	clock  clock.Clock
	log    *zap.Logger
	cache  cache.Cache
	client *wecom.Client
	sender *wecom.Sender
}

// unitChatDeps are what newUnitChat builds from.
type unitChatDeps struct {
	Config *config.Config
	Store  *store.Store // the installation id, and the cards the sender keeps
	Clock  clock.Clock
	Log    *zap.Logger
	HTTP   *http.Client // nil: the client's own, with a timeout
	// Cache is shared with the student side: Redis when redis.url is set,
	// so replicas share the access token and the callback dedup.
	Cache cache.Cache
	// APIErrors hears WeCom's errcodes, for /metrics; nil: none.
	APIErrors func(code int64)
}

// newUnitChat builds the WeCom client and sender.
func newUnitChat(ctx context.Context, d unitChatDeps) (*unitChat, error) {
	u := &unitChat{cfg: d.Config, clock: d.Clock, log: d.Log, cache: d.Cache}
	w := d.Config.WeCom
	if !w.Enabled() {
		return u, nil
	}
	var err error
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

// senders is what the outbox sends to WeCom units through.
func (u *unitChat) senders() []bot.Sender {
	if u.sender == nil {
		return nil
	}
	return []bot.Sender{u.sender}
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

// unitRoutesDeps are what the app's handlers are built on.
type unitRoutesDeps struct {
	Service  *service.Service
	Renderer unitchat.Renderer
	Codes    wecom.CodeKeeper
	Sealer   wecom.Sealer // seals the OAuth state
	Metrics  *metrics.Metrics
}

// routes are the app's callback, the OAuth return and the case page; none
// when WeCom is off.
func (u *unitChat) routes(d unitRoutesDeps) ([]web.Route, error) {
	if u.client == nil {
		return nil, nil
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
	handler := unitchat.NewHandler(d.Service, unitchat.NewPeople(u.cfg, books), d.Renderer, u.clock, u.log)
	crypto, err := tencent.NewCrypto(w.Token, w.CorpID, w.EncodingAESKey)
	if err != nil {
		return nil, err
	}
	cb, err := wecom.NewCallback(wecom.CallbackConfig{Crypto: crypto, AgentID: w.AgentID, Handler: handler, Codes: d.Codes,
		Dedup: u.cache, Clock: u.clock, ReplayWindow: w.ReplayWindow, Log: u.log,
		Rejected: func(reason string) { d.Metrics.CallbackRejected(bot.PlatformWeCom, reason) }})
	if err != nil {
		return nil, err
	}
	oauth, err := wecom.NewOAuth(wecom.OAuthConfig{Client: u.client, CorpID: w.CorpID, AgentID: w.AgentID, OAuthBase: w.OAuthBase,
		CallbackURL: strings.TrimRight(u.cfg.Server.BaseURL, "/") + weComOAuthPath, Sealer: d.Sealer, Clock: u.clock, Log: u.log})
	if err != nil {
		return nil, err
	}
	page, err := unitchat.NewPage(handler, bot.PlatformWeCom, oauth, templates.Pages)
	if err != nil {
		return nil, err
	}
	return []web.Route{
		{Pattern: w.Path, Handler: cb},
		{Pattern: "GET " + weComOAuthPath, Handler: oauth},
		{Pattern: "GET " + weComPagePath + "{number}", Handler: page},
		{Pattern: "POST " + weComPagePath + "{number}", Handler: page},
	}, nil
}
