package fakes

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/tencent/tencenttest"
	"github.com/jiesu/jiesu/internal/clock"
)

func TestWeChatCryptoMatchesTheOfficialVectors(t *testing.T) {
	t.Parallel()
	if got := WeChatSignature(tencenttest.OAToken, tencenttest.OATS, tencenttest.OANonce); got != tencenttest.OASignature {
		t.Errorf("signature = %s, want %s", got, tencenttest.OASignature)
	}
	if got := WeChatSignature(tencenttest.OAToken, tencenttest.OATS, tencenttest.OANonce, tencenttest.OACipher); got != tencenttest.OAMsgSig {
		t.Errorf("msg_signature = %s, want %s", got, tencenttest.OAMsgSig)
	}
	random, plain, err := WeChatDecrypt(tencenttest.OACipher, tencenttest.OAAppID, tencenttest.OAAESKey)
	if err != nil || string(random) != tencenttest.OARandom || string(plain) != tencenttest.OAPlain {
		t.Fatalf("decrypt = %q %q %v", random, plain, err)
	}
	enc, err := WeChatEncrypt([]byte(tencenttest.OARandom), []byte(tencenttest.OAPlain), tencenttest.OAAppID, tencenttest.OAAESKey)
	if err != nil || enc != tencenttest.OACipher {
		t.Fatalf("encrypt with the vector's random:\n got %s\nwant %s (%v)", enc, tencenttest.OACipher, err)
	}
	// The WeCom sample uses the same algorithm with the corp id.
	if got := WeChatSignature(tencenttest.WeComToken, tencenttest.WeComMsgTS, tencenttest.WeComMsgNonce, tencenttest.WeComMsgCipher); got != tencenttest.WeComMsgSig {
		t.Errorf("WeCom msg_signature = %s", got)
	}
	random, plain, err = WeChatDecrypt(tencenttest.WeComMsgCipher, tencenttest.WeComCorpID, tencenttest.WeComAESKey)
	if err != nil || string(random) != tencenttest.WeComMsgRandom || string(plain) != tencenttest.WeComMsgPlain {
		t.Fatalf("WeCom decrypt = %q %q %v", random, plain, err)
	}
	if enc, _ := WeChatEncrypt([]byte(tencenttest.WeComMsgRandom), []byte(tencenttest.WeComMsgPlain), tencenttest.WeComCorpID, tencenttest.WeComAESKey); enc != tencenttest.WeComMsgCipher {
		t.Errorf("WeCom encrypt differs")
	}
	if _, _, err := WeChatDecrypt(tencenttest.OACipher, "wx-another", tencenttest.OAAESKey); err == nil {
		t.Error("decrypted for another app id")
	}
}

func TestFakeWeChatSignsWhatItReadsBack(t *testing.T) {
	t.Parallel()
	f := NewFakeWeChat(t, clock.NewFake(time.Unix(1409735669, 0)))
	s := f.Sign(WeChatSafe, []byte(tencenttest.OAPlain), time.Unix(1409735669, 0), []byte(tencenttest.OARandom), tencenttest.OANonce)
	if s.Query.Get("signature") != tencenttest.OASignature || s.Query.Get("msg_signature") != tencenttest.OAMsgSig {
		t.Errorf("query = %v", s.Query)
	}
	if !bytes.Contains(s.Body, []byte(tencenttest.OACipher)) {
		t.Errorf("body does not carry the vector's Encrypt: %s", s.Body)
	}
	compat := f.Sign(WeChatCompatible, []byte(tencenttest.OAPlain), time.Unix(1409735669, 0), []byte(tencenttest.OARandom), tencenttest.OANonce)
	if !bytes.Contains(compat.Body, []byte("<Content><![CDATA[abcdteT]]></Content>")) || !bytes.Contains(compat.Body, []byte(tencenttest.OACipher)) {
		t.Errorf("compatible body = %s", compat.Body)
	}
	m := f.Text("oStudent", "a]]>b")
	if !bytes.Contains(m.XML(), []byte("<![CDATA[a]]]]><![CDATA[>b]]>")) {
		t.Errorf("CDATA end not escaped: %s", m.XML())
	}
}

func post(t *testing.T, url string, body any) map[string]any {
	t.Helper()
	raw, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func code(m map[string]any) int64 { f, _ := m["errcode"].(float64); return int64(f) }

func TestFakeWeChatEnforcesTheRules(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
	f := NewFakeWeChat(t, clk)
	tok := post(t, f.URL()+WeChatPathToken+"?grant_type=client_credential&appid="+FakeWeChatAppID+"&secret=wrong", nil)
	if code(tok) != FakeCodeInvalidSecret {
		t.Fatalf("wrong secret = %v", tok)
	}
	newToken := func() string {
		resp, err := http.Get(f.URL() + WeChatPathToken + "?grant_type=client_credential&appid=" + FakeWeChatAppID + "&secret=" + FakeWeChatSecret)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got struct {
			AccessToken string `json:"access_token"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&got)
		return "?access_token=" + got.AccessToken
	}
	at := newToken()
	text := map[string]any{"touser": "o1", "msgtype": "text", "text": map[string]any{"content": "hi"}}
	if c := code(post(t, f.URL()+WeChatPathCustom+at, text)); c != FakeCodeOutOfWindow {
		t.Errorf("no message from the student yet: %d, want 45015", c)
	}
	f.UserWrote("o1", clk.Now())
	for i := 0; i < FakeWeChatWindowQuota; i++ {
		if c := code(post(t, f.URL()+WeChatPathCustom+at, text)); c != 0 {
			t.Fatalf("message %d in the window: %d", i+1, c)
		}
	}
	if c := code(post(t, f.URL()+WeChatPathCustom+at, text)); c != FakeCodeOutOfWindow {
		t.Errorf("sixth message: %d, want 45015 (quota)", c)
	}
	f.UserWrote("o1", clk.Now())
	clk.Advance(FakeWeChatWindow)
	if c := code(post(t, f.URL()+WeChatPathCustom+at, text)); c != FakeCodeTokenExpired {
		t.Errorf("a token past its 2 hours: %d, want 42001", c)
	}
	at = newToken()
	if c := code(post(t, f.URL()+WeChatPathCustom+at, text)); c != FakeCodeOutOfWindow {
		t.Errorf("48 h later: %d, want 45015", c)
	}
	sub := map[string]any{"touser": "o1", "template_id": "TPL", "data": map[string]any{"thing1": map[string]any{"value": "诉求已办结"}}}
	if c := code(post(t, f.URL()+WeChatPathSubscribe+at, sub)); c != FakeCodeNoSubscription {
		t.Errorf("without a subscription: %d", c)
	}
	f.GrantSubscription("o1", "TPL")
	if c := code(post(t, f.URL()+WeChatPathSubscribe+at, sub)); c != 0 {
		t.Errorf("with a subscription: %d", c)
	}
	if c := code(post(t, f.URL()+WeChatPathSubscribe+at, sub)); c != FakeCodeNoSubscription {
		t.Errorf("a one-time subscription used twice: %d", c)
	}
	long := map[string]any{"touser": "o1", "template_id": "T", "data": map[string]any{"thing1": map[string]any{"value": strings.Repeat("字", 21)}}}
	if c := code(post(t, f.URL()+WeChatPathTemplate+at, long)); c != FakeCodeBadArgument {
		t.Errorf("a 21-character thing: %d", c)
	}
	f.InvalidateTokens()
	if c := code(post(t, f.URL()+WeChatPathTemplate+at, sub)); c != FakeCodeInvalidToken {
		t.Errorf("invalidated token: %d", c)
	}
	f.AddMedia("M1", "image/jpeg", []byte("jpeg"))
	at = newToken()
	if n := len(f.Calls(WeChatPathCustom)); n != 9 {
		t.Errorf("recorded %d custom calls, want 9", n)
	}
	if d := f.Delivered("o1"); len(d) != 6 || d[0].Text() != "hi" || d[5].Data("thing1") != "诉求已办结" {
		t.Errorf("delivered = %+v", d)
	}
	resp, err := http.Get(f.URL() + WeChatPathMedia + at + "&media_id=M1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "image/jpeg" || string(body) != "jpeg" {
		t.Errorf("media = %s %q", resp.Header.Get("Content-Type"), body)
	}
	if c := code(post(t, f.URL()+WeChatPathTemplate+at, map[string]any{"touser": "o1", "template_id": "T", "data": map[string]any{"time2": map[string]any{"value": "2026-11-28 17:00"}}})); c != 0 {
		t.Errorf("template = %d", c)
	}
}

// The fake refuses values as the platform does, by the key's type
// (订阅通知参数值内容限制), and an empty optional object.
func TestFakeWeChatChecksFieldTypes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		key, value string
		ok         bool
	}{
		{"thing1", strings.Repeat("字", 20), true},
		{"thing1", strings.Repeat("字", 21), false},
		{"thing1", "已更换\x00阀门", false},
		{"thing1", "", false},
		{"character_string1", "JS20261128-0042", true},
		{"character_string1", strings.Repeat("9", 33), false},
		{"character_string1", "JS20261128 0042", false},
		{"character_string1", "诉求JS20261128", false},
		{"number1", "20261128", true},
		{"number1", "2026-1128", false},
		{"phrase1", "已办结", true},
		{"phrase1", "已办结了吗啊", false},
		{"phrase1", "OK", false},
		{"letter1", "abc", true},
		{"letter1", "ab1", false},
		{"symbol1", "-+", true},
		{"name1", "张三", true},
		{"phone_number1", "+86-010-8079 1234", false},
		{"phone_number1", "+86-010-80791234", true},
		{"time1", "2026-11-28 17:00", true},
		{"time1", "明天", false},
		{"date1", "2026年11月28日", true},
		{"amount1", "￥5", false},
	} {
		body := map[string]any{"data": map[string]any{tc.key: map[string]any{"value": tc.value}}}
		if got := checkData(body); got != tc.ok {
			t.Errorf("%s = %q: accepted %v, want %v", tc.key, tc.value, got, tc.ok)
		}
	}
	good := map[string]any{"thing1": map[string]any{"value": "诉求已办结"}}
	if checkData(map[string]any{"data": good, "miniprogram": map[string]any{"appid": "", "pagepath": ""}}) {
		t.Error("an empty miniprogram.appid was accepted")
	}
	if !checkData(map[string]any{"data": good, "miniprogram": map[string]any{"appid": "wxmini", "pagepath": "p"}}) {
		t.Error("a miniprogram with its appid was refused")
	}
}
