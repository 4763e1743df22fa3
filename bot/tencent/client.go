package tencent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot/accesstoken"
)

// DefaultTimeout bounds one call when the configuration gives none.
const DefaultTimeout = 5 * time.Second

// maxAnswer bounds what is read of an answer: the platforms answer in JSON
// of a few hundred bytes; anything longer is an error page.
const maxAnswer = 1 << 20

// Result is what every answer carries.
type Result struct {
	ErrCode int64  `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// TokenEndpoint is where an app's access token comes from: WeChat's
// /cgi-bin/token with appid and secret, WeCom's /cgi-bin/gettoken with
// corpid and corpsecret. Both answer access_token and expires_in.
type TokenEndpoint struct {
	API   string // names the call in errors: "token", "gettoken"
	Path  string
	Query url.Values
	// CacheKey is the token's key in the shared cache, one per app.
	CacheKey string
	// Margin renews a token this long before it expires.
	Margin time.Duration
}

// ClientConfig builds a Client. Platform, APIBase, Token and Cache are
// required.
type ClientConfig struct {
	Platform string       // "wechat", "wecom": the first word of every error
	APIBase  string       // https://api.weixin.qq.com, https://qyapi.weixin.qq.com, a gateway or a fake
	HTTP     *http.Client // default: one with DefaultTimeout
	Token    TokenEndpoint
	Cache    accesstoken.Cache
	Log      *zap.Logger // default none
	// OnAPIError hears every non-zero errcode (for /metrics); nil: none.
	OnAPIError func(code int64)
}

// Client calls one app's API on a configurable host with a timeout and the
// app's access token. A call answered with an errcode that a fresh token
// cures is tried once more with one.
type Client struct {
	platform string
	base     string
	http     *http.Client
	tokens   *accesstoken.Source
	log      *zap.Logger
	onError  func(code int64)
}

// NewClient returns the app's client.
func NewClient(c ClientConfig) *Client {
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: DefaultTimeout}
	}
	if c.Log == nil {
		c.Log = zap.NewNop()
	}
	if c.OnAPIError == nil {
		c.OnAPIError = func(int64) {}
	}
	cl := &Client{platform: c.Platform, base: strings.TrimRight(c.APIBase, "/"), http: c.HTTP, log: c.Log, onError: c.OnAPIError}
	t := c.Token
	cl.tokens = accesstoken.New(accesstoken.Config{Cache: c.Cache, Key: t.CacheKey, Margin: t.Margin, Log: c.Log,
		Fetch: func(ctx context.Context) (string, time.Duration, error) {
			var out struct {
				AccessToken string `json:"access_token"`
				ExpiresIn   int64  `json:"expires_in"`
			}
			if err := cl.Do(ctx, t.API, http.MethodGet, t.Path, t.Query, nil, &out); err != nil {
				return "", 0, err
			}
			if out.AccessToken == "" {
				return "", 0, &APIError{Platform: cl.platform, API: t.API, Msg: "no access_token in the answer"}
			}
			return out.AccessToken, time.Duration(out.ExpiresIn) * time.Second, nil
		}})
	return cl
}

// Token returns the app's access token.
func (c *Client) Token(ctx context.Context) (string, error) { return c.tokens.Token(ctx) }

// Call calls a token-authenticated API and decodes its answer into out
// (nil: only the errcode is read).
func (c *Client) Call(ctx context.Context, api, method, path string, q url.Values, body, out any) error {
	return c.WithToken(ctx, api, func(tok string) error {
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		qq.Set("access_token", tok)
		return c.Do(ctx, api, method, path, qq, body, out)
	})
}

// WithToken runs call with the access token, and once more with a fresh
// one if the platform refused the first: tokens die early when another
// process fetched a new one.
func (c *Client) WithToken(ctx context.Context, api string, call func(tok string) error) error {
	tok, err := c.tokens.Token(ctx)
	if err != nil {
		return err
	}
	err = call(tok)
	if code := ErrorCode(err); TokenRefused(code) {
		c.log.Info("access token refused; fetching a new one", zap.String("api", api), zap.Int64("errcode", code))
		if tok, err = c.tokens.Renew(ctx, tok); err != nil {
			return err
		}
		err = call(tok)
	}
	return err
}

// Do sends one request without a token (the token endpoint, WeCom's group
// robot, whose key is its credential) and decodes the answer into out.
// Errors never carry the URL: its query holds the secret, the token or the
// robot's key.
func (c *Client) Do(ctx context.Context, api, method, path string, q url.Values, body, out any) error {
	resp, err := c.Send(ctx, api, method, path, q, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d", c.platform, api, resp.StatusCode)
	}
	return c.Answer(api, resp.Body, out)
}

// Send sends one request and returns the response whatever its status;
// the caller closes the body. A body is sent as JSON.
func (c *Client) Send(ctx context.Context, api, method, path string, q url.Values, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encode: %w", c.platform, api, err)
		}
		rd = bytes.NewReader(b)
	}
	target := c.base + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", c.platform, api, redact(err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", c.platform, api, redact(err))
	}
	return resp, nil
}

// Answer decodes a JSON answer into out (nil: only the errcode is read)
// and returns an *APIError for an errcode other than 0.
func (c *Client) Answer(api string, r io.Reader, out any) error {
	b, err := io.ReadAll(io.LimitReader(r, maxAnswer))
	if err != nil {
		return fmt.Errorf("%s %s: read: %w", c.platform, api, redact(err))
	}
	var res Result
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("%s %s: decode: %w", c.platform, api, err)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", c.platform, api, err)
		}
	}
	if res.ErrCode != 0 {
		c.onError(res.ErrCode)
		return &APIError{Platform: c.platform, API: api, Code: res.ErrCode, Msg: res.ErrMsg}
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
