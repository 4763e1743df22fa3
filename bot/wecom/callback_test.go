package wecom_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/tencent"
	v "github.com/jiesu/jiesu/bot/tencent/tencenttest"
	"github.com/jiesu/jiesu/bot/wecom"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
)

// recorder is a bot.Handler that keeps what it got and answers reply.
type recorder struct {
	mu    sync.Mutex
	got   []bot.Inbound
	reply string
}

func (r *recorder) Handle(_ context.Context, in bot.Inbound) (bot.Reply, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, in)
	return bot.Reply{Text: r.reply}, nil
}

func (r *recorder) inbounds() []bot.Inbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Inbound(nil), r.got...)
}

type callbackWorld struct {
	fake     *fakes.FakeWeCom
	clock    *clock.Fake
	handler  *recorder
	rejected []string
	mu       sync.Mutex
}

func newCallbackWorld(t *testing.T) *callbackWorld {
	t.Helper()
	clk := clock.NewFake(t0)
	w := &callbackWorld{fake: fakes.NewFakeWeCom(t, clk), clock: clk, handler: &recorder{}}
	cb, err := wecom.NewCallback(wecom.CallbackConfig{Crypto: w.fake.Crypto(), AgentID: fakes.FakeWeComAgentID, Handler: w.handler,
		Dedup: cache.NewMemory(clk), Clock: clk, ReplayWindow: 5 * time.Minute,
		Rejected: func(r string) { w.mu.Lock(); w.rejected = append(w.rejected, r); w.mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	w.fake.Callback, w.fake.CallbackPath = cb, "/wecom/callback"
	return w
}

func TestCallbackURLVerification(t *testing.T) {
	t.Parallel()
	w := newCallbackWorld(t)
	code, body, err := w.fake.VerifyURL("1616140317555161061")
	if err != nil || code != http.StatusOK || body != "1616140317555161061" {
		t.Fatalf("verify = %d %q %v", code, body, err)
	}
	// The official vector, through the handler as WeCom sends it.
	c, _ := tencent.NewCrypto(v.WeComToken, v.WeComCorpID, v.WeComAESKey)
	cb, _ := wecom.NewCallback(wecom.CallbackConfig{Crypto: c, Handler: &recorder{}, Dedup: cache.NewMemory(nil)})
	q := url.Values{"msg_signature": {v.WeComVerifySig}, "timestamp": {v.WeComVerifyTS}, "nonce": {v.WeComVerifyNonce}, "echostr": {v.WeComEchoStr}}
	rec := httptest.NewRecorder()
	cb.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/wecom/callback?"+q.Encode(), nil))
	if rec.Code != http.StatusOK || rec.Body.String() != v.WeComEchoPlain {
		t.Fatalf("official vector: %d %q", rec.Code, rec.Body.String())
	}
	q.Set("msg_signature", strings.Repeat("0", 40))
	rec = httptest.NewRecorder()
	cb.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/wecom/callback?"+q.Encode(), nil))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("forged verification: %d", rec.Code)
	}
}

func TestCallbackRefusesForgeries(t *testing.T) {
	t.Parallel()
	w := newCallbackWorld(t)
	plain := fakes.TextCallback("LiSi", "接单 JS20261128-0001", "7001", t0.Unix())
	for name, f := range map[string]fakes.FakeForgery{
		"bad signature":    {Signature: strings.Repeat("a", 40)},
		"wrong corp":       {CorpID: "wwSomeOtherCorp"},
		"tampered":         {Tamper: true},
		"replayed too old": {Timestamp: t0.Add(-time.Hour).Unix()},
		"from the future":  {Timestamp: t0.Add(time.Hour).Unix()},
	} {
		r, err := w.fake.PostCallback(plain, f)
		if err != nil || r.Status != http.StatusUnauthorized {
			t.Errorf("%s: %d %v, want 401", name, r.Status, err)
		}
	}
	// Right ciphertext, but the plaintext names another corp.
	other := strings.Replace(plain, fakes.FakeWeComCorpID, "wwSomeOtherCorp", 1)
	if r, _ := w.fake.PostCallback(other, fakes.FakeForgery{}); r.Status != http.StatusUnauthorized {
		t.Errorf("plaintext of another corp: %d", r.Status)
	}
	if got := w.handler.inbounds(); len(got) != 0 {
		t.Fatalf("the handler saw %d forged callbacks", len(got))
	}
	w.mu.Lock()
	reasons := strings.Join(w.rejected, ",")
	w.mu.Unlock()
	for _, want := range []string{"bad_signature", "wrong_corp", "stale"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("rejections %q lack %s", reasons, want)
		}
	}
}

func TestCallbackTextAndDuplicates(t *testing.T) {
	t.Parallel()
	w := newCallbackWorld(t)
	w.handler.reply = "已接单 JS20261128-0001"
	plain := fakes.TextCallback("LiSi", "接单 JS20261128-0001", "7002", t0.Unix())
	r, err := w.fake.PostCallback(plain, fakes.FakeForgery{})
	if err != nil || r.Status != http.StatusOK || r.MsgType != "text" || r.Text != "已接单 JS20261128-0001" {
		t.Fatalf("reply = %+v, %v", r, err)
	}
	// WeCom's retry of the same message is answered and not handled again.
	if r, _ := w.fake.PostCallback(plain, fakes.FakeForgery{}); r.Status != http.StatusOK {
		t.Fatalf("retry: %d", r.Status)
	}
	got := w.handler.inbounds()
	if len(got) != 1 || got[0].Kind != bot.KindText || got[0].From.ID != "LiSi" || got[0].Text != "接单 JS20261128-0001" || got[0].Platform != bot.PlatformWeCom {
		t.Fatalf("inbounds = %+v", got)
	}
}

func TestCallbackCardPress(t *testing.T) {
	t.Parallel()
	sw := newWorld(t) // press the card the sender sent
	handler := &recorder{}
	cb, _ := wecom.NewCallback(wecom.CallbackConfig{Crypto: sw.fake.Crypto(), AgentID: fakes.FakeWeComAgentID, Handler: handler,
		Codes: sw.store, Dedup: cache.NewMemory(sw.clock), Clock: sw.clock})
	sw.fake.Callback, sw.fake.CallbackPath = cb, "/wecom/callback"
	res := sw.send(t, bot.Outbound{Address: group(), Message: dispatchCard("JS20261128-0001"), Part: wecom.PartCard})
	task := strings.TrimPrefix(res.MessageID, "task:")
	before, _ := sw.store.OpenCards(context.Background(), bot.PlatformWeCom, "JS20261128-0001")

	handler.reply = "已被 王五 接单"
	r, err := sw.fake.Press("LiSi", task, "accept@JS20261128-0001", "")
	if err != nil || r.MsgType != "update_button" || r.Text != "已被 王五 接单" {
		t.Fatalf("press = %+v, %v", r, err)
	}
	card, _ := sw.fake.Card(task)
	if card.Replaced["LiSi"] != "已被 王五 接单" || card.Replaced["WangWu"] != "" {
		t.Errorf("the passive reply changed %v; want LiSi's copy only", card.Replaced)
	}
	got := handler.inbounds()
	if len(got) != 1 || got[0].Kind != bot.KindAction || got[0].Action.Name != bot.ActionAccept ||
		got[0].Action.CaseNumber != "JS20261128-0001" || got[0].Action.TaskID != task || got[0].ReplyHandle == "" {
		t.Fatalf("inbound = %+v", got)
	}
	// An unanswered press leaves its code with the card, for the update.
	handler.reply = ""
	if _, err := sw.fake.Press("WangWu", task, "accept@JS20261128-0001", ""); err != nil {
		t.Fatal(err)
	}
	cards, _ := sw.store.OpenCards(context.Background(), bot.PlatformWeCom, "JS20261128-0001")
	if len(cards) != 1 || len(before) != 1 || cards[0].ResponseCode == "" || cards[0].ResponseCode == before[0].ResponseCode {
		t.Errorf("cards = %+v, before %+v: want the press's new code", cards, before)
	}
}
