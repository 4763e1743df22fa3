package fakes

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/clock"
)

// The fake Official Account. Its app id, token and key are those of the
// official WXBizMsgCrypt sample, so the vectors of protocols/wechat.md
// apply to it.
const (
	FakeWeChatAppID    = "wx2c2769f8efd9abc2"
	FakeWeChatSecret   = "fake-oa-secret"
	FakeWeChatToken    = "spamtest"
	FakeWeChatAESKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	FakeWeChatAccount  = "gh_10f6c3c3ac5a" // the account's own user name (ToUserName)
	FakeWeChatTokenTTL = 7200 * time.Second
	// FakeWeChatWindow and FakeWeChatWindowQuota are the customer-service
	// rule: 5 messages within 48 hours of the student's last message.
	FakeWeChatWindow      = 48 * time.Hour
	FakeWeChatWindowQuota = 5
)

// Error codes the fake answers, WeChat's own.
const (
	FakeCodeInvalidToken   = 40001
	FakeCodeTokenExpired   = 42001
	FakeCodeInvalidAppID   = 40013
	FakeCodeInvalidSecret  = 40125
	FakeCodeInvalidMedia   = 40007
	FakeCodeOutOfWindow    = 45015
	FakeCodeNoSubscription = 43101
	FakeCodeBadArgument    = 47003
	FakeCodeBadTemplate    = 40037
)

// WeChat API paths the fake serves.
const (
	WeChatPathToken     = "/cgi-bin/token"
	WeChatPathCustom    = "/cgi-bin/message/custom/send"
	WeChatPathSubscribe = "/cgi-bin/message/subscribe/bizsend"
	WeChatPathTemplate  = "/cgi-bin/message/template/send"
	WeChatPathMedia     = "/cgi-bin/media/get"
)

// WeChatCall is one request the fake answered.
type WeChatCall struct {
	Path    string
	Query   url.Values
	Body    map[string]any // the JSON body, if any
	ErrCode int64          // what the fake answered; 0 is success
	At      time.Time
}

// ToUser is the call's touser.
func (c WeChatCall) ToUser() string { s, _ := c.Body["touser"].(string); return s }

// Text is a customer-service text's content.
func (c WeChatCall) Text() string {
	t, _ := c.Body["text"].(map[string]any)
	s, _ := t["content"].(string)
	return s
}

// Data returns a subscribe or template message's value of key.
func (c WeChatCall) Data(key string) string {
	d, _ := c.Body["data"].(map[string]any)
	item, _ := d[key].(map[string]any)
	s, _ := item["value"].(string)
	return s
}

type fakeMedia struct {
	contentType string
	data        []byte
}

// FakeWeChat is a faithful fake of the Official Account API for tests: it
// issues and checks access tokens (40001 once invalidated, 42001 once
// expired), enforces the customer-service window (5 messages within 48
// hours of the student's last message, else 45015), one-time subscriptions
// (43101 without one) and template parameters (47003), serves media, and
// records every call. It also builds signed and encrypted callbacks, as
// WeChat's servers would post them, and reads the replies (wechat_callback.go).
type FakeWeChat struct {
	t      testing.TB
	clock  clock.Clock
	server *httptest.Server

	mu       sync.Mutex
	tokens   map[string]time.Time // issued → expiry
	tokenSeq int
	calls    []WeChatCall
	wrote    map[string]time.Time // openid → their last message
	used     map[string]int       // openid → customer-service messages since
	subs     map[string]int       // openid + "/" + template → one-time subscriptions left
	media    map[string]fakeMedia
	fail     map[string][]int64
	msgSeq   int64
	// menuButtons is the menu last created (wechat_menu.go).
	menuButtons []FakeMenuButton
}

// NewFakeWeChat starts the fake on clk's time; it stops when the test ends.
func NewFakeWeChat(t testing.TB, clk clock.Clock) *FakeWeChat {
	f := &FakeWeChat{
		t: t, clock: clk, tokens: map[string]time.Time{}, wrote: map[string]time.Time{}, used: map[string]int{},
		subs: map[string]int{}, media: map[string]fakeMedia{}, fail: map[string][]int64{},
		msgSeq: 6054768590064713728,
	}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.server.Close)
	return f
}

// URL is the fake's base, for wechat.api_base.
func (f *FakeWeChat) URL() string { return f.server.URL }

// Calls returns the calls to path (every path when empty), oldest first.
func (f *FakeWeChat) Calls(path string) []WeChatCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []WeChatCall
	for _, c := range f.calls {
		if path == "" || c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// Delivered returns the messages that reached openid, by any method,
// oldest first.
func (f *FakeWeChat) Delivered(openid string) []WeChatCall {
	var out []WeChatCall
	for _, c := range f.Calls("") {
		if c.ErrCode == 0 && c.ToUser() == openid && c.Path != WeChatPathToken && c.Path != WeChatPathMedia {
			out = append(out, c)
		}
	}
	return out
}

// UserWrote records a message from the student at `at`, which opens the
// customer-service window anew. Request does it for every message it
// builds.
func (f *FakeWeChat) UserWrote(openid string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.wrote[openid], f.used[openid] = at, 0
}

// GrantSubscription gives openid one one-time subscription to template
// (the student tapped 允许 in the subscribe dialog).
func (f *FakeWeChat) GrantSubscription(openid, templateID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs[openid+"/"+templateID]++
}

// AddMedia makes a media id downloadable.
func (f *FakeWeChat) AddMedia(id, contentType string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.media[id] = fakeMedia{contentType, data}
}

// InvalidateTokens makes every token issued so far answer 40001, as when
// another client of the account fetched a new one.
func (f *FakeWeChat) InvalidateTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = map[string]time.Time{}
}

// FailNext makes the next calls to path answer these errcodes, in order.
func (f *FakeWeChat) FailNext(path string, codes ...int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[path] = append(f.fail[path], codes...)
}

func (f *FakeWeChat) serve(w http.ResponseWriter, r *http.Request) {
	call := WeChatCall{Path: r.URL.Path, Query: r.URL.Query(), At: f.clock.Now()}
	badBody := false
	if r.Method == http.MethodPost {
		raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		badBody = mt != "application/json" || json.Unmarshal(raw, &call.Body) != nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if badBody {
		f.answer(w, &call, errBody(FakeCodeBadArgument))
		return
	}
	if call.Path != WeChatPathToken {
		if code := f.checkToken(call.Query.Get("access_token")); code != 0 {
			f.answer(w, &call, errBody(code))
			return
		}
	}
	if codes := f.fail[call.Path]; len(codes) > 0 {
		f.fail[call.Path] = codes[1:]
		f.answer(w, &call, errBody(codes[0]))
		return
	}
	switch call.Path {
	case WeChatPathToken:
		f.answer(w, &call, f.token(call.Query))
	case WeChatPathCustom:
		f.answer(w, &call, f.custom(call.Body))
	case WeChatPathSubscribe:
		f.answer(w, &call, f.subscribe(call.Body))
	case WeChatPathTemplate:
		f.answer(w, &call, f.template(call.Body))
	case WeChatPathMenu:
		f.answer(w, &call, f.menu(call.Body))
	case WeChatPathMedia:
		m, ok := f.media[call.Query.Get("media_id")]
		if !ok {
			f.answer(w, &call, errBody(FakeCodeInvalidMedia))
			return
		}
		f.calls = append(f.calls, call)
		w.Header().Set("Content-Type", m.contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="media"`)
		_, _ = w.Write(m.data)
	default:
		call.ErrCode = 404
		f.calls = append(f.calls, call)
		http.NotFound(w, r)
	}
}

// answer records the call with its errcode and writes body as JSON. The
// caller holds mu.
func (f *FakeWeChat) answer(w http.ResponseWriter, call *WeChatCall, body map[string]any) {
	switch code := body["errcode"].(type) {
	case int64:
		call.ErrCode = code
	case int:
		call.ErrCode = int64(code)
	}
	f.calls = append(f.calls, *call)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(body)
}

func errBody(code int64) map[string]any {
	return map[string]any{"errcode": code, "errmsg": fmt.Sprintf("fake error %d", code)}
}

func (f *FakeWeChat) checkToken(tok string) int64 {
	exp, ok := f.tokens[tok]
	switch {
	case !ok:
		return FakeCodeInvalidToken
	case !f.clock.Now().Before(exp):
		return FakeCodeTokenExpired
	}
	return 0
}

func (f *FakeWeChat) token(q url.Values) map[string]any {
	if q.Get("grant_type") != "client_credential" || q.Get("appid") != FakeWeChatAppID {
		return errBody(FakeCodeInvalidAppID)
	}
	if q.Get("secret") != FakeWeChatSecret {
		return errBody(FakeCodeInvalidSecret)
	}
	f.tokenSeq++
	tok := "FAKE-OA-TOKEN-" + strconv.Itoa(f.tokenSeq)
	f.tokens[tok] = f.clock.Now().Add(FakeWeChatTokenTTL)
	return map[string]any{"access_token": tok, "expires_in": int(FakeWeChatTokenTTL / time.Second)}
}

func str(m map[string]any, key string) string { s, _ := m[key].(string); return s }

func (f *FakeWeChat) custom(body map[string]any) map[string]any {
	to := str(body, "touser")
	if to == "" || str(body, "msgtype") != "text" {
		return errBody(FakeCodeBadArgument)
	}
	text, _ := body["text"].(map[string]any)
	if content := str(text, "content"); content == "" || len(content) > 2048 {
		return errBody(FakeCodeBadArgument)
	}
	last, ok := f.wrote[to]
	if !ok || f.clock.Now().Sub(last) >= FakeWeChatWindow || f.used[to] >= FakeWeChatWindowQuota {
		return errBody(FakeCodeOutOfWindow)
	}
	f.used[to]++
	return map[string]any{"errcode": 0, "errmsg": "ok"}
}

func (f *FakeWeChat) subscribe(body map[string]any) map[string]any {
	to, tpl := str(body, "touser"), str(body, "template_id")
	if to == "" || tpl == "" || !checkData(body) {
		return errBody(FakeCodeBadArgument)
	}
	key := to + "/" + tpl
	if f.subs[key] <= 0 {
		return errBody(FakeCodeNoSubscription)
	}
	f.subs[key]--
	return map[string]any{"errcode": 0, "errmsg": "ok"}
}

func (f *FakeWeChat) template(body map[string]any) map[string]any {
	if str(body, "touser") == "" || !checkData(body) {
		return errBody(FakeCodeBadArgument)
	}
	if str(body, "template_id") == "" {
		return errBody(FakeCodeBadTemplate)
	}
	f.msgSeq++
	return map[string]any{"errcode": 0, "errmsg": "ok", "msgid": f.msgSeq}
}
