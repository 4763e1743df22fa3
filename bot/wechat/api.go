package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/credential"

	"github.com/jiesu/jiesu/internal/cache"
)

// Error codes jiesu acts on (developers.weixin.qq.com, 全局返回码).
const (
	CodeSystemBusy      = -1
	CodeInvalidToken    = 40001 // invalid credential: dropped early, or another replica refreshed
	CodeInvalidTokenFmt = 40014
	CodeTokenExpired    = 42001
	CodeOutOfWindow     = 45015 // customer-service message outside the 48-hour window
	CodeCSQuota         = 45047 // customer-service messages over the window's quota
	CodeFrequency       = 45009 // API call quota reached
	CodeNoSubscription  = 43101 // the student has no subscription left for the template
	CodeUnfollowed      = 43004 // the student no longer follows the account
)

// tokenCacheKeyPrefix is the library's key for an account's token, so
// that the library (OAuth, JS-SDK) and jiesu share one token per account.
const tokenCacheKeyPrefix = credential.CacheKeyOfficialAccountPrefix + "_access_token_"

// tokenMargin is taken off a token's lifetime, as the library does, so a
// token is renewed well before WeChat drops it.
const tokenMargin = 1500 * time.Second

// maxAPIResponse bounds a JSON answer.
const maxAPIResponse = 1 << 20

// APIError is an errcode WeChat answered.
type APIError struct {
	Op   string
	Code int64
	Msg  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wechat %s: errcode=%d errmsg=%s", e.Op, e.Code, e.Msg)
}

// ErrorCode returns the WeChat errcode in err, or 0.
func ErrorCode(err error) int64 {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// API calls the few WeChat endpoints jiesu needs, on a configurable host
// with a timeout, with the account's access token from a shared cache. A
// call answered 40001, 40014 or 42001 drops the token and is tried once
// more with a fresh one.
type API struct {
	base    string
	appID   string
	secret  string
	http    *http.Client
	cache   cache.Cache
	onError func(code int64)
	// mu makes one request at a time fetch a token in this process; other
	// replicas share the result through the cache.
	mu sync.Mutex
}

// NewAPI returns a client of the account's API at cfg.APIBase.
func NewAPI(cfg Config, c cache.Cache, client *http.Client) *API {
	if client == nil {
		timeout := cfg.APITimeout
		if timeout <= 0 {
			timeout = 5 * time.Second
		}
		client = &http.Client{Timeout: timeout}
	}
	onError := cfg.OnAPIError
	if onError == nil {
		onError = func(int64) {}
	}
	return &API{base: strings.TrimRight(cfg.APIBase, "/"), appID: cfg.AppID, secret: cfg.AppSecret, http: client, cache: c, onError: onError}
}

func (a *API) tokenKey() string { return tokenCacheKeyPrefix + a.appID }

// Token returns the account's access token, fetching one when the cache
// has none.
func (a *API) Token(ctx context.Context) (string, error) {
	if tok, ok, err := a.cache.GetString(ctx, a.tokenKey()); err == nil && ok && tok != "" {
		return tok, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if tok, ok, err := a.cache.GetString(ctx, a.tokenKey()); err == nil && ok && tok != "" {
		return tok, nil
	}
	// Across replicas (a shared Redis) one fetches and the others wait for
	// its token: every fetch makes WeChat retire the previous token soon.
	lock := a.tokenKey() + ":fetching"
	if won, err := a.cache.SetNX(ctx, lock, "1", tokenFetchLock); err == nil && !won {
		if tok, ok := a.awaitToken(ctx); ok {
			return tok, nil
		}
	} else if err == nil {
		defer func() { _ = a.cache.Delete(lock) }()
		// Another replica may have cached its token and freed the lock
		// between the look above and taking the lock: use that one.
		if tok, ok, err := a.cache.GetString(ctx, a.tokenKey()); err == nil && ok && tok != "" {
			return tok, nil
		}
	}
	q := url.Values{"grant_type": {"client_credential"}, "appid": {a.appID}, "secret": {a.secret}}
	var res struct {
		ErrCode     int64  `json:"errcode"`
		ErrMsg      string `json:"errmsg"`
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := a.do(ctx, http.MethodGet, "/cgi-bin/token?"+q.Encode(), nil, &res); err != nil {
		return "", fmt.Errorf("wechat token: %w", err)
	}
	if res.ErrCode != 0 || res.AccessToken == "" {
		if res.ErrCode != 0 {
			a.onError(res.ErrCode)
		}
		return "", &APIError{Op: "token", Code: res.ErrCode, Msg: res.ErrMsg}
	}
	ttl := time.Duration(res.ExpiresIn)*time.Second - tokenMargin
	if ttl <= 0 {
		ttl = time.Duration(res.ExpiresIn) * time.Second / 2
	}
	if err := a.cache.Set(a.tokenKey(), res.AccessToken, ttl); err != nil {
		return "", fmt.Errorf("cache wechat token: %w", err)
	}
	return res.AccessToken, nil
}

// tokenFetchLock bounds how long one replica's fetch makes the others
// wait; if it dies fetching, they fetch themselves after it.
const tokenFetchLock = 5 * time.Second

// awaitToken waits for the replica fetching the token to cache it.
func (a *API) awaitToken(ctx context.Context) (string, bool) {
	t := time.NewTicker(25 * time.Millisecond)
	defer t.Stop()
	deadline := time.NewTimer(tokenFetchLock)
	defer deadline.Stop()
	for {
		select {
		case <-ctx.Done():
			return "", false
		case <-deadline.C:
			return "", false
		case <-t.C:
			if tok, ok, err := a.cache.GetString(ctx, a.tokenKey()); err == nil && ok && tok != "" {
				return tok, true
			}
		}
	}
}

// dropToken forgets tok, unless the cache already holds a newer one.
func (a *API) dropToken(ctx context.Context, tok string) {
	if cur, ok, err := a.cache.GetString(ctx, a.tokenKey()); err == nil && ok && cur == tok {
		_ = a.cache.Delete(a.tokenKey())
	}
}

func tokenRejected(code int64) bool {
	return code == CodeInvalidToken || code == CodeInvalidTokenFmt || code == CodeTokenExpired
}

// apiResult is what every WeChat JSON answer carries.
type apiResult struct {
	ErrCode int64  `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	MsgID   int64  `json:"msgid"`
}

// Post sends body as JSON to path with the access token and returns the
// answer; op names the call in errors.
func (a *API) Post(ctx context.Context, op, path string, body any) (apiResult, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return apiResult{}, fmt.Errorf("wechat %s: %w", op, err)
	}
	var res apiResult
	err = a.withToken(ctx, op, func(tok string) (int64, string, error) {
		res = apiResult{}
		if err := a.do(ctx, http.MethodPost, path+"?access_token="+url.QueryEscape(tok), raw, &res); err != nil {
			return 0, "", err
		}
		return res.ErrCode, res.ErrMsg, nil
	})
	return res, err
}

// withToken runs call with the token, and once more with a fresh token if
// WeChat refused the first.
func (a *API) withToken(ctx context.Context, op string, call func(tok string) (code int64, msg string, err error)) error {
	for attempt := 0; ; attempt++ {
		tok, err := a.Token(ctx)
		if err != nil {
			return err
		}
		code, msg, err := call(tok)
		if err != nil {
			return fmt.Errorf("wechat %s: %w", op, err)
		}
		if code != 0 {
			a.onError(code)
		}
		if tokenRejected(code) && attempt == 0 {
			a.dropToken(ctx, tok)
			continue
		}
		if code != 0 {
			return &APIError{Op: op, Code: code, Msg: msg}
		}
		return nil
	}
}

// do sends one request and decodes a JSON answer into out.
func (a *API) do(ctx context.Context, method, pathQuery string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+pathQuery, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return redact(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("http status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAPIResponse)).Decode(out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}

// Media downloads a temporary media file (an image a student sent). The
// caller closes the body.
func (a *API) Media(ctx context.Context, mediaID string) (io.ReadCloser, string, error) {
	var body io.ReadCloser
	var ctype string
	err := a.withToken(ctx, "media/get", func(tok string) (int64, string, error) {
		q := url.Values{"access_token": {tok}, "media_id": {mediaID}}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/cgi-bin/media/get?"+q.Encode(), nil)
		if err != nil {
			return 0, "", err
		}
		resp, err := a.http.Do(req)
		if err != nil {
			return 0, "", redact(err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return 0, "", fmt.Errorf("http status %d", resp.StatusCode)
		}
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if mt == "application/json" || mt == "text/plain" {
			// An error comes as JSON instead of the file.
			defer resp.Body.Close()
			var res apiResult
			if err := json.NewDecoder(io.LimitReader(resp.Body, maxAPIResponse)).Decode(&res); err != nil {
				return 0, "", fmt.Errorf("decode answer: %w", err)
			}
			if res.ErrCode == 0 {
				return 0, "", errors.New("media answered JSON without an error")
			}
			return res.ErrCode, res.ErrMsg, nil
		}
		body, ctype = resp.Body, resp.Header.Get("Content-Type")
		return 0, "", nil
	})
	if err != nil {
		return nil, "", err
	}
	return body, ctype, nil
}

// redact drops the URL from a transport error: it carries the access
// token (and, for /cgi-bin/token, the app secret).
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}

// tokenHandle is the API's token source in the library's interface.
func (a *API) tokenHandle() credential.AccessTokenContextHandle { return tokenHandle{a} }

type tokenHandle struct{ a *API }

func (h tokenHandle) GetAccessToken() (string, error) { return h.a.Token(context.Background()) }
func (h tokenHandle) GetAccessTokenContext(ctx context.Context) (string, error) {
	return h.a.Token(ctx)
}
