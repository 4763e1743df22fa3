// Package wechat is the WeChat Official Account (公众号) on jiesu's bot
// seam: the callback WeChat posts students' messages to (URL verification,
// signatures, plain, compatible and safe AES modes, passive replies), the
// sender that brings results and surveys back (customer-service message
// inside the 48-hour window, else subscribe or template message), and the
// media download.
//
// It builds on github.com/silenceper/wechat/v2: the officialaccount
// message types and the util crypto, and an OfficialAccount constructed
// with officialaccount.NewOfficialAccount and our own token source and
// cache. It never imports the library's root package, whose init turns on
// debug logging of decrypted messages. The library hard-codes
// https://api.weixin.qq.com in unexported constants and sends through a
// global client, so the few API calls jiesu makes go through the Tencent
// client it shares with WeCom (bot/tencent: the token, errcodes and
// WXBizMsgCrypt), which honours wechat.api_base and a timeout.
package wechat

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount"
	offConfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/util"

	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/config"
)

// Config is what the package needs of the wechat.* configuration.
type Config struct {
	AppID          string
	AppSecret      string
	Token          string
	EncodingAESKey string // empty: plain mode only
	APIBase        string // https://api.weixin.qq.com, or a gateway / the fake
	APITimeout     time.Duration
	// ReplayWindow refuses callbacks whose timestamp is further than this
	// from now; 0 turns the check off.
	ReplayWindow        time.Duration
	MaxBodyBytes        int64
	SubscribeTemplateID string
	TemplateID          string
	// SubscribeFields and TemplateFields map a template's keys to parts
	// of the message (config.ParseWeChatFields).
	SubscribeFields map[string]string
	TemplateFields  map[string]string
	// OnAPIError hears every non-zero errcode the API answers (for
	// /metrics); nil: none.
	OnAPIError func(code int64)
}

// ConfigFrom takes the package's settings from the configuration.
func ConfigFrom(w config.WeChat) Config {
	sub, _ := config.ParseWeChatFields(w.SubscribeFields)
	tpl, _ := config.ParseWeChatFields(w.TemplateFields)
	return Config{
		AppID: w.AppID, AppSecret: w.AppSecret, Token: w.Token, EncodingAESKey: w.EncodingAESKey,
		APIBase: w.APIBase, APITimeout: w.APITimeout, ReplayWindow: w.ReplayWindow, MaxBodyBytes: w.MaxBodyBytes,
		SubscribeTemplateID: w.SubscribeTemplateID, TemplateID: w.TemplateID,
		SubscribeFields: sub, TemplateFields: tpl,
	}
}

// NewOfficialAccount constructs the library's client for the account with
// jiesu's cache (the library's own memory cache races) and jiesu's token
// source, so that any library feature used later (OAuth, JS-SDK) shares
// the tokens the sender uses.
func NewOfficialAccount(cfg Config, c cache.Cache, api *API) *officialaccount.OfficialAccount {
	useTimeoutClient(cfg.APITimeout)
	oa := officialaccount.NewOfficialAccount(&offConfig.Config{
		AppID: cfg.AppID, AppSecret: cfg.AppSecret, Token: cfg.Token, EncodingAESKey: cfg.EncodingAESKey, Cache: c,
	})
	oa.SetAccessTokenHandle(api.tokenHandle())
	return oa
}

// libraryClient replaces the library's HTTP client once per process. The
// library sends every call through the global util.DefaultHTTPClient,
// which is http.DefaultClient, without a timeout; there is no per-instance
// client. jiesu's own calls go through API, but a library call made
// through the OfficialAccount (OAuth, JS-SDK) must not hang either. The
// client is replaced, never mutated (it is http.DefaultClient), and only
// once, so concurrent constructions do not race.
var libraryClient sync.Once

func useTimeoutClient(timeout time.Duration) {
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	libraryClient.Do(func() { util.DefaultHTTPClient = &http.Client{Timeout: timeout} })
}

// WindowsFunc makes a function a Windows.
type WindowsFunc func(ctx context.Context, openid string) (time.Time, bool, error)

// LastMessageAt calls f.
func (f WindowsFunc) LastMessageAt(ctx context.Context, openid string) (time.Time, bool, error) {
	return f(ctx, openid)
}
