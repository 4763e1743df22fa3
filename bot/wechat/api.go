package wechat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/silenceper/wechat/v2/credential"

	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/internal/cache"
)

// Error codes of the Official Account that jiesu acts on
// (developers.weixin.qq.com, 全局返回码); those WeCom shares are in
// bot/tencent.
const (
	CodeOutOfWindow    = 45015 // customer-service message outside the 48-hour window
	CodeCSQuota        = 45047 // customer-service messages over the window's quota
	CodeNoSubscription = 43101 // the student has no subscription left for the template
	CodeUnfollowed     = 43004 // the student no longer follows the account
)

// tokenCacheKeyPrefix is the library's key for an account's token, so
// that the library (OAuth, JS-SDK) and jiesu share one token per account.
const tokenCacheKeyPrefix = credential.CacheKeyOfficialAccountPrefix + "_access_token_"

// tokenMargin is taken off a token's lifetime, as the library does, so a
// token is renewed well before WeChat drops it.
const tokenMargin = 1500 * time.Second

// API calls the few Official Account endpoints jiesu needs, through the
// Tencent client (bot/tencent): a configurable host, a timeout, the
// account's token from the shared cache, renewed once when refused.
type API struct {
	c *tencent.Client
}

// NewAPI returns a client of the account's API at cfg.APIBase.
func NewAPI(cfg Config, c cache.Cache, client *http.Client) *API {
	if client == nil && cfg.APITimeout > 0 {
		client = &http.Client{Timeout: cfg.APITimeout}
	}
	return &API{c: tencent.NewClient(tencent.ClientConfig{
		Platform: "wechat", APIBase: cfg.APIBase, HTTP: client, Cache: c, OnAPIError: cfg.OnAPIError,
		Token: tencent.TokenEndpoint{API: "token", Path: "/cgi-bin/token",
			Query:    url.Values{"grant_type": {"client_credential"}, "appid": {cfg.AppID}, "secret": {cfg.AppSecret}},
			CacheKey: tokenCacheKeyPrefix + cfg.AppID, Margin: tokenMargin},
	})}
}

// Token returns the account's access token.
func (a *API) Token(ctx context.Context) (string, error) { return a.c.Token(ctx) }

// apiResult is what a send answers besides the errcode.
type apiResult struct {
	MsgID int64 `json:"msgid"`
}

// Post sends body as JSON to path with the access token and returns the
// answer; op names the call in errors.
func (a *API) Post(ctx context.Context, op, path string, body any) (apiResult, error) {
	var res apiResult
	err := a.c.Call(ctx, op, http.MethodPost, path, nil, body, &res)
	return res, err
}

// Media downloads a temporary media file (an image a student sent). The
// caller closes the body.
func (a *API) Media(ctx context.Context, mediaID string) (io.ReadCloser, string, error) {
	const op = "media/get"
	var body io.ReadCloser
	var ctype string
	err := a.c.WithToken(ctx, op, func(tok string) error {
		resp, err := a.c.Send(ctx, op, http.MethodGet, "/cgi-bin/media/get", url.Values{"access_token": {tok}, "media_id": {mediaID}}, nil)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return fmt.Errorf("wechat %s: HTTP %d", op, resp.StatusCode)
		}
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if mt == "application/json" || mt == "text/plain" {
			// An error comes as JSON instead of the file.
			defer resp.Body.Close()
			if err := a.c.Answer(op, resp.Body, nil); err != nil {
				return err
			}
			return errors.New("wechat media/get: JSON without an error instead of the file")
		}
		body, ctype = resp.Body, resp.Header.Get("Content-Type")
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return body, ctype, nil
}

// tokenHandle is the API's token source in the library's interface.
func (a *API) tokenHandle() credential.AccessTokenContextHandle { return tokenHandle{a} }

type tokenHandle struct{ a *API }

func (h tokenHandle) GetAccessToken() (string, error) { return h.a.Token(context.Background()) }
func (h tokenHandle) GetAccessTokenContext(ctx context.Context) (string, error) {
	return h.a.Token(ctx)
}
