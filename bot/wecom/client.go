package wecom

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot/accesstoken"
	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/internal/clock"
)

// DefaultHTTPTimeout bounds one call to WeCom.
const DefaultHTTPTimeout = 10 * time.Second

// tokenMargin renews a token (7200 s) well before WeCom's expiry: a token
// that dies in flight costs a retry.
const tokenMargin = 5 * time.Minute

// Client calls the WeCom server API for one self-built app, through the
// Tencent client (bot/tencent), and keeps Health current. It is ours, not
// silenceper/wechat's work client: that one hard-codes the host and sends
// through a global http.Client, while the host must be configurable
// (private deployments, 政务微信, the fake in tests) and tests run in
// parallel against fakes of their own.
type Client struct {
	api     *tencent.Client
	agentID int64
	clock   clock.Clock
	log     *zap.Logger
	health  *Health
}

// ClientConfig builds a Client. APIBase, CorpID, Secret and Cache are
// required.
type ClientConfig struct {
	APIBase string // wecom.api_base, e.g. https://qyapi.weixin.qq.com
	CorpID  string
	Secret  string
	AgentID int64
	HTTP    *http.Client // default: a client with DefaultHTTPTimeout
	// Cache keeps the access token, shared by replicas when it is Redis;
	// internal/cache.Cache is one.
	Cache accesstoken.Cache
	Clock clock.Clock
	Log   *zap.Logger
	// OnAPIError hears every non-zero errcode an API answers (for
	// /metrics); nil: none.
	OnAPIError func(code int64)
}

// NewClient returns a client for the app.
func NewClient(c ClientConfig) (*Client, error) {
	if c.APIBase == "" || c.CorpID == "" || c.Secret == "" || c.Cache == nil {
		return nil, errors.New("wecom: api base, corp id, secret and a token cache are required")
	}
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Log == nil {
		c.Log = zap.NewNop()
	}
	log := c.Log.Named("wecom")
	api := tencent.NewClient(tencent.ClientConfig{Platform: "wecom", APIBase: c.APIBase, HTTP: c.HTTP, Cache: c.Cache,
		Log: log, OnAPIError: c.OnAPIError,
		Token: tencent.TokenEndpoint{API: "gettoken", Path: "/cgi-bin/gettoken",
			Query:    url.Values{"corpid": {c.CorpID}, "corpsecret": {c.Secret}},
			CacheKey: "wecom:access_token:" + c.CorpID + ":" + strconv.FormatInt(c.AgentID, 10), Margin: tokenMargin},
	})
	return &Client{api: api, agentID: c.AgentID, clock: c.Clock, log: log, health: &Health{}}, nil
}

// Health is the client's record of configuration errors, for /readyz.
func (c *Client) Health() *Health { return c.health }

// AgentID is the app's agent id.
func (c *Client) AgentID() int64 { return c.agentID }

// call calls a token-authenticated API under /cgi-bin/ and keeps Health
// current.
func (c *Client) call(ctx context.Context, api, method string, q url.Values, body, out any) error {
	err := c.api.Call(ctx, api, method, "/cgi-bin/"+api, q, body, out)
	c.observe(err)
	return err
}

// observe keeps Health current and logs configuration errors loudly.
func (c *Client) observe(err error) {
	var ae *tencent.APIError
	switch {
	case err == nil:
		c.health.ok()
	case errors.As(err, &ae) && configCode(ae.Code):
		c.health.fail(ae, c.clock.Now())
		c.log.Error("WeCom refuses the app's configuration; messages are dead-lettered until it is fixed",
			zap.String("api", ae.API), zap.Int64("errcode", ae.Code), zap.String("errmsg", ae.Msg), zap.String("fix", hint(ae.Code)))
	}
}
