package wechat_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount"
	offConfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
	"github.com/sirupsen/logrus"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/cache"
)

func TestLibraryCryptoMatchesTheOfficialVectors(t *testing.T) {
	t.Parallel()
	if got := util.Signature(fakes.FakeWeChatToken, vecTimestamp, vecNonce); got != vecSig {
		t.Errorf("signature = %s", got)
	}
	if got := util.Signature(fakes.FakeWeChatToken, vecTimestamp, vecNonce, vecEncrypt); got != vecMsgSig {
		t.Errorf("msg_signature = %s", got)
	}
	random, plain, err := util.DecryptMsg(fakes.FakeWeChatAppID, vecEncrypt, fakes.FakeWeChatAESKey)
	if err != nil || string(random) != vecRandom || string(plain) != vecPlain {
		t.Fatalf("decrypt = %q %q %v", random, plain, err)
	}
	enc, err := util.EncryptMsg([]byte(vecRandom), []byte(vecPlain), fakes.FakeWeChatAppID, fakes.FakeWeChatAESKey)
	if err != nil || string(enc) != vecEncrypt {
		t.Fatalf("encrypt with the vector's random is not byte for byte:\n got %s\nwant %s", enc, vecEncrypt)
	}
}

func TestCallbackDecryptsTheOfficialRequest(t *testing.T) {
	t.Parallel()
	rg := newRig(t, testConfig(), vecTime())
	rg.h.Reply = bot.Reply{Text: "已受理，诉求编号 JS20140903-0001。"}
	req, _ := http.NewRequest(http.MethodPost, rg.url+"?"+vecQuery, strings.NewReader(vecBody))
	status, body := do(t, req)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	got := rg.h.calls()
	if len(got) != 1 {
		t.Fatalf("handler called %d times", len(got))
	}
	in := got[0]
	if in.Kind != bot.KindText || in.Text != "abcdteT" || in.MsgID != "6054768590064713728" ||
		in.From.ID != "oyORnuP8q7ou2gfYjqLzSIWZf0rs" || in.Platform != bot.PlatformWeChat || in.At.Unix() != 1409735668 {
		t.Errorf("inbound = %+v", in)
	}
	reply, err := rg.fake.ReadReply(fakes.WeChatSafe, body)
	if err != nil {
		t.Fatal(err)
	}
	if reply.Content != rg.h.Reply.Text || reply.ToUserName != "oyORnuP8q7ou2gfYjqLzSIWZf0rs" || reply.FromUserName != "gh_10f6c3c3ac5a" || reply.MsgType != "text" {
		t.Errorf("reply = %+v", reply)
	}
	// The reply reuses the request's random, as WeChat's samples do.
	var env message.ResponseEncryptedXMLMsg
	if err := xmlUnmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	random, _, err := fakes.WeChatDecrypt(env.EncryptedMsg, fakes.FakeWeChatAppID, fakes.FakeWeChatAESKey)
	if err != nil || string(random) != vecRandom || env.Nonce != vecNonce || env.Timestamp != 1409735669 {
		t.Errorf("reply envelope: random %q nonce %q ts %d (%v)", random, env.Nonce, env.Timestamp, err)
	}
}

func TestTheLibraryServerReadsWhatTheFakeSends(t *testing.T) {
	t.Parallel()
	// The library's own Serve agrees with the fake: same signature, same
	// decryption (protocols/wechat.md §6, end-to-end check).
	oa := officialaccount.NewOfficialAccount(&offConfig.Config{
		AppID: fakes.FakeWeChatAppID, AppSecret: "s", Token: fakes.FakeWeChatToken, EncodingAESKey: fakes.FakeWeChatAESKey,
		Cache: cache.NewMemory(nil),
	})
	rg := newRig(t, testConfig(), time.Now())
	m := rg.fake.Text("oStudent", "宿舍停水")
	s := rg.fake.Sign(fakes.WeChatSafe, m.XML(), time.Now(), nil, "")
	req := httptest.NewRequest(http.MethodPost, "/wechat/oa?"+s.Query.Encode(), bytes.NewReader(s.Body))
	srv := oa.GetServer(req, httptest.NewRecorder())
	var seen *message.MixMessage
	srv.SetMessageHandler(func(mm *message.MixMessage) *message.Reply { seen = mm; return nil })
	if err := srv.Serve(); err != nil {
		t.Fatal(err)
	}
	if seen == nil || seen.Content != "宿舍停水" || string(seen.FromUserName) != "oStudent" || seen.MsgID != m.MsgID {
		t.Errorf("library read %+v", seen)
	}
	if logrus.GetLevel() >= logrus.DebugLevel {
		t.Error("logrus is at debug level: decrypted messages would be logged")
	}
}

func TestURLVerification(t *testing.T) {
	t.Parallel()
	rg := newRig(t, testConfig(), time.Now())
	status, body := do(t, rg.fake.VerifyURL(rg.url, "5838479218127813673"))
	if status != http.StatusOK || string(body) != "5838479218127813673" {
		t.Errorf("verify = %d %q", status, body)
	}
	req := rg.fake.VerifyURL(rg.url, "1")
	q := req.URL.Query()
	q.Set("signature", strings.Repeat("0", 40))
	req.URL.RawQuery = q.Encode()
	if status, body := do(t, req); status != http.StatusUnauthorized || string(body) == "1" {
		t.Errorf("forged verify = %d %q", status, body)
	}
}

func TestEveryModeRoundTrips(t *testing.T) {
	t.Parallel()
	for _, mode := range []fakes.WeChatMode{fakes.WeChatPlain, fakes.WeChatCompatible, fakes.WeChatSafe} {
		cfg := testConfig()
		if mode == fakes.WeChatPlain {
			cfg.EncodingAESKey = "" // plain mode needs no key
		}
		rg := newRig(t, cfg, time.Now())
		rg.h.Reply = bot.Reply{Text: "收到 <b>&"}
		status, body := do(t, rg.fake.Request(rg.url, mode, rg.fake.Text("o1", "图书馆 WiFi 连不上")))
		if status != http.StatusOK {
			t.Fatalf("%s: status %d %s", mode, status, body)
		}
		r, err := rg.fake.ReadReply(mode, body)
		// The reply goes out escaped: <b> would be markup in WeChat's text.
		if err != nil || r.Content != "收到 ＜b＞＆" {
			t.Errorf("%s: reply %+v %v", mode, r, err)
		}
		if got := rg.h.calls(); len(got) != 1 || got[0].Text != "图书馆 WiFi 连不上" {
			t.Errorf("%s: inbound %+v", mode, got)
		}
		// Nothing to say: "success", in every mode.
		rg.h.Reply = bot.Reply{}
		status, body = do(t, rg.fake.Request(rg.url, mode, rg.fake.Event("o1", "unsubscribe", "")))
		if status != http.StatusOK || string(body) != "success" {
			t.Errorf("%s: empty reply = %d %q", mode, status, body)
		}
	}
}

func TestMessageKinds(t *testing.T) {
	t.Parallel()
	rg := newRig(t, testConfig(), time.Now())
	f := rg.fake
	for _, m := range []fakes.WeChatMessage{
		f.Image("o1", "MEDIA1"), f.Voice("o1", "MEDIA2", "三号楼没有热水"), f.Location("o1", 39.9, 116.3, "北京农学院"),
		f.Event("o1", "CLICK", "my_cases"), f.Other("o1", "video"),
	} {
		if status, body := do(t, f.Request(rg.url, fakes.WeChatSafe, m)); status != http.StatusOK {
			t.Fatalf("%s: %d %s", m.MsgType, status, body)
		}
	}
	got := rg.h.calls()
	if len(got) != 5 {
		t.Fatalf("%d inbounds", len(got))
	}
	if got[0].Kind != bot.KindImage || got[0].Media.ID != "MEDIA1" || got[0].Media.URL == "" {
		t.Errorf("image = %+v", got[0])
	}
	if got[1].Kind != bot.KindVoice || got[1].Text != "三号楼没有热水" || got[1].Media.ID != "MEDIA2" {
		t.Errorf("voice = %+v", got[1])
	}
	if got[2].Kind != bot.KindLocation || got[2].Location.Lat != 39.9 || got[2].Location.Label != "北京农学院" {
		t.Errorf("location = %+v", got[2])
	}
	ev := got[3]
	if ev.Kind != bot.KindEvent || ev.Event.Name != "CLICK" || ev.Event.Key != "my_cases" || !strings.HasPrefix(ev.MsgID, "event:o1:") {
		t.Errorf("event = %+v", ev)
	}
	if got[4].Kind != "video" {
		t.Errorf("video = %+v", got[4])
	}
}

func TestHandlerFailureAsksWeChatToRetry(t *testing.T) {
	t.Parallel()
	rg := newRig(t, testConfig(), time.Now())
	rg.h.Err = errors.New("database down")
	status, _ := do(t, rg.fake.Request(rg.url, fakes.WeChatSafe, rg.fake.Text("o1", "x")))
	if status != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", status)
	}
}
