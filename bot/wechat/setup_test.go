package wechat_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/wechat"
	"github.com/jiesu/jiesu/internal/clock"
)

// The official vector (protocols/wechat.md §6), as WeChat would post it.
const (
	vecTimestamp = "1409735669"
	vecNonce     = "1320562132"
	vecSig       = "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"
	vecMsgSig    = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
	vecRandom    = "89465c840c5f116f"
	vecEncrypt   = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
	vecPlain     = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>"
	vecBody      = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[" + vecEncrypt + "]]></Encrypt></xml>"
	vecQuery     = "signature=" + vecSig + "&timestamp=" + vecTimestamp + "&nonce=" + vecNonce + "&encrypt_type=aes&msg_signature=" + vecMsgSig
)

func vecTime() time.Time { return time.Unix(1409735669, 0) }

func testConfig() wechat.Config {
	return wechat.Config{
		AppID: fakes.FakeWeChatAppID, AppSecret: fakes.FakeWeChatSecret, Token: fakes.FakeWeChatToken,
		EncodingAESKey: fakes.FakeWeChatAESKey, APITimeout: 2 * time.Second, ReplayWindow: 5 * time.Minute,
		MaxBodyBytes: 64 << 10,
	}
}

// recorder is a handler that records what reaches it and answers Reply.
type recorder struct {
	mu    sync.Mutex
	got   []bot.Inbound
	Reply bot.Reply
	Err   error
}

func (r *recorder) Handle(_ context.Context, in bot.Inbound) (bot.Reply, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, in)
	return r.Reply, r.Err
}

func (r *recorder) calls() []bot.Inbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Inbound(nil), r.got...)
}

// rig is a callback on a test server with a recording handler.
type rig struct {
	url      string
	clock    *clock.Fake
	h        *recorder
	fake     *fakes.FakeWeChat
	rejected *rejections
}

type rejections struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *rejections) add(reason string) { r.mu.Lock(); r.n[reason]++; r.mu.Unlock() }
func (r *rejections) get(reason string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[reason]
}

func newRig(t testing.TB, cfg wechat.Config, at time.Time) *rig {
	clk := clock.NewFake(at)
	rg := &rig{clock: clk, h: &recorder{}, fake: fakes.NewFakeWeChat(t, clk), rejected: &rejections{n: map[string]int{}}}
	cb := wechat.NewCallback(cfg, rg.h, wechat.CallbackOptions{Clock: clk, Rejected: rg.rejected.add})
	ts := httptest.NewServer(cb)
	t.Cleanup(ts.Close)
	rg.url = ts.URL + "/wechat/oa"
	return rg
}

func do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b []byte
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b
}
