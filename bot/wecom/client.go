package wecom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/clock"
)

// DefaultHTTPTimeout bounds one call to WeCom.
const DefaultHTTPTimeout = 10 * time.Second

// maxResponse bounds what is read of a response: WeCom answers in JSON of
// a few hundred bytes; anything longer is an error page.
const maxResponse = 1 << 20

// TokenCache keeps the access token, shared by replicas when it is Redis;
// internal/cache.Cache is one.
type TokenCache interface {
	GetString(ctx context.Context, key string) (string, bool, error)
	Set(key string, val interface{}, ttl time.Duration) error
	Delete(key string) error
}

// Client calls the WeCom server API for one self-built app. It is ours, not
// silenceper/wechat's work client: that one hard-codes the host and sends
// through a global http.Client, while the host must be configurable
// (private deployments, 政务微信, the fake in tests) and tests run in
// parallel against fakes of their own.
type Client struct {
	base    string
	corpID  string
	secret  string
	agentID int64
	http    *http.Client
	cache   TokenCache
	clock   clock.Clock
	log     *zap.Logger
	health  *Health
	onError func(code int64)
	mu      sync.Mutex // one token fetch at a time
}

// ClientConfig builds a Client. APIBase, CorpID, Secret and Cache are
// required.
type ClientConfig struct {
	APIBase string // wecom.api_base, e.g. https://qyapi.weixin.qq.com
	CorpID  string
	Secret  string
	AgentID int64
	HTTP    *http.Client // default: a client with DefaultHTTPTimeout
	Cache   TokenCache
	Clock   clock.Clock
	Log     *zap.Logger
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
	if c.OnAPIError == nil {
		c.OnAPIError = func(int64) {}
	}
	return &Client{onError: c.OnAPIError,
		base: strings.TrimRight(c.APIBase, "/"), corpID: c.CorpID, secret: c.Secret, agentID: c.AgentID,
		http: c.HTTP, cache: c.Cache, clock: c.Clock, log: c.Log.Named("wecom"), health: &Health{},
	}, nil
}

// Health is the client's record of configuration errors, for /readyz.
func (c *Client) Health() *Health { return c.health }

// AgentID is the app's agent id.
func (c *Client) AgentID() int64 { return c.agentID }

// result is what every WeCom answer carries.
type result struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func (c *Client) tokenKey() string {
	return "wecom:access_token:" + c.corpID + ":" + strconv.FormatInt(c.agentID, 10)
}

// token returns the app's access token from the cache, or fetches one.
// stale is a token WeCom just refused: it is not handed out again, and a
// concurrent caller that already replaced it is not undone.
func (c *Client) token(ctx context.Context, stale string) (string, error) {
	if tok, ok, err := c.cache.GetString(ctx, c.tokenKey()); err == nil && ok && tok != stale {
		return tok, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if tok, ok, err := c.cache.GetString(ctx, c.tokenKey()); err == nil && ok && tok != stale {
		return tok, nil
	}
	var out struct {
		result
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	q := url.Values{"corpid": {c.corpID}, "corpsecret": {c.secret}}
	if err := c.do(ctx, "gettoken", http.MethodGet, "/cgi-bin/gettoken", q, nil, &out, &out.result); err != nil {
		c.observe(err)
		return "", err
	}
	// Refresh well before WeCom's expiry (7200 s): a token that dies in
	// flight costs a retry.
	ttl := time.Duration(out.ExpiresIn)*time.Second - 5*time.Minute
	if ttl < time.Minute {
		ttl = time.Minute
	}
	if err := c.cache.Set(c.tokenKey(), out.AccessToken, ttl); err != nil {
		c.log.Warn("cache access token", zap.Error(err))
	}
	return out.AccessToken, nil
}

// call calls a token-authenticated API. When WeCom says the token is
// invalid or expired (40001, 40014, 42001) it fetches a new one and tries
// once more: tokens die early when another process fetched a new one.
func (c *Client) call(ctx context.Context, api, method string, q url.Values, body, out any, res *result) error {
	stale := ""
	for attempt := 0; ; attempt++ {
		tok, err := c.token(ctx, stale)
		if err != nil {
			return err
		}
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		qq.Set("access_token", tok)
		*res = result{}
		err = c.do(ctx, api, method, "/cgi-bin/"+api, qq, body, out, res)
		var ae *APIError
		if errors.As(err, &ae) && tokenCode(ae.Code) && attempt == 0 {
			c.log.Info("access token refused; fetching a new one", zap.String("api", api), zap.Int("errcode", ae.Code))
			stale = tok
			_ = c.cache.Delete(c.tokenKey())
			continue
		}
		c.observe(err)
		return err
	}
}

// observe keeps Health current and logs configuration errors loudly.
func (c *Client) observe(err error) {
	var ae *APIError
	switch {
	case err == nil:
		c.health.ok()
	case errors.As(err, &ae) && configCode(ae.Code):
		c.health.fail(ae, c.clock.Now())
		c.log.Error("WeCom refuses the app's configuration; messages are dead-lettered until it is fixed",
			zap.String("api", ae.API), zap.Int("errcode", ae.Code), zap.String("errmsg", ae.Msg), zap.String("fix", hint(ae.Code)))
	}
}

// do sends one request and decodes the answer into out, whose embedded
// result res is checked for an errcode. Errors never carry the URL's
// query: it holds the secret, the token or the robot key.
func (c *Client) do(ctx context.Context, api, method, path string, q url.Values, body, out any, res *result) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("wecom %s: encode: %w", api, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path+"?"+q.Encode(), rd)
	if err != nil {
		return fmt.Errorf("wecom %s: %w", api, redact(err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("wecom %s: %w", api, redact(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("wecom %s: read: %w", api, redact(err))
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("wecom %s: HTTP %d", api, resp.StatusCode)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("wecom %s: decode: %w", api, err)
	}
	if res.ErrCode != 0 {
		c.onError(int64(res.ErrCode))
		return &APIError{API: api, Code: res.ErrCode, Msg: res.ErrMsg}
	}
	return nil
}

// redact drops the URL from a transport error: its query holds secrets.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: "(redacted)", Err: ue.Err}
	}
	return err
}
