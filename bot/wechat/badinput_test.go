package wechat_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/wechat"
)

// Every refused request gets its status, is counted under its reason, and
// never reaches the handler: nothing is written.
func TestBadRequestsAreRefusedBeforeTheHandler(t *testing.T) {
	t.Parallel()
	now := time.Now()
	rg := newRig(t, testConfig(), now)
	f := rg.fake
	good := func() fakes.WeChatSigned {
		return f.Sign(fakes.WeChatSafe, f.Text("o1", "宿舍停电").XML(), now, nil, "")
	}
	type tc struct {
		name   string
		req    func() *http.Request
		status int
		reason string
	}
	tamper := func(edit func(q url.Values, body []byte) []byte) func() *http.Request {
		return func() *http.Request {
			s := good()
			s.Body = edit(s.Query, s.Body)
			return f.SignedRequest(rg.url, s)
		}
	}
	otherKey := "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg"
	cases := []tc{
		{"no signature", tamper(func(q url.Values, b []byte) []byte { q.Del("signature"); return b }), 401, wechat.RejectBadSignature},
		{"wrong signature", tamper(func(q url.Values, b []byte) []byte { q.Set("signature", strings.Repeat("a", 40)); return b }), 401, wechat.RejectBadSignature},
		{"signature over another nonce", tamper(func(q url.Values, b []byte) []byte { q.Set("nonce", "1"); return b }), 401, wechat.RejectBadSignature},
		{"wrong msg_signature", tamper(func(q url.Values, b []byte) []byte { q.Set("msg_signature", strings.Repeat("b", 40)); return b }), 401, wechat.RejectBadSignature},
		{"altered ciphertext", tamper(func(q url.Values, b []byte) []byte {
			return bytes.Replace(b, []byte("<Encrypt><![CDATA["), []byte("<Encrypt><![CDATA[AAAA"), 1)
		}), 401, wechat.RejectBadSignature},
		{"wrong AES key", func() *http.Request {
			// Signed with the right token, encrypted with another key: the
			// signature holds, decryption cannot.
			ts := f.Sign(fakes.WeChatPlain, nil, now, nil, "").Query
			enc, _ := fakes.WeChatEncrypt([]byte("0123456789abcdef"), f.Text("o1", "x").XML(), fakes.FakeWeChatAppID, otherKey)
			ts.Set("encrypt_type", "aes")
			ts.Set("msg_signature", fakes.WeChatSignature(fakes.FakeWeChatToken, ts.Get("timestamp"), ts.Get("nonce"), enc))
			return f.SignedRequest(rg.url, fakes.WeChatSigned{Query: ts, Body: []byte("<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")})
		}, 400, wechat.RejectDecrypt},
		{"another account's message", func() *http.Request {
			ts := f.Sign(fakes.WeChatPlain, nil, now, nil, "").Query
			enc, _ := fakes.WeChatEncrypt([]byte("0123456789abcdef"), f.Text("o1", "x").XML(), "wx-another-app", fakes.FakeWeChatAESKey)
			ts.Set("encrypt_type", "aes")
			ts.Set("msg_signature", fakes.WeChatSignature(fakes.FakeWeChatToken, ts.Get("timestamp"), ts.Get("nonce"), enc))
			return f.SignedRequest(rg.url, fakes.WeChatSigned{Query: ts, Body: []byte("<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")})
		}, 400, wechat.RejectDecrypt},
		{"replayed old timestamp", func() *http.Request {
			return f.SignedRequest(rg.url, f.Sign(fakes.WeChatSafe, f.Text("o1", "x").XML(), now.Add(-6*time.Minute), nil, ""))
		}, 403, wechat.RejectStale},
		{"timestamp from the future", func() *http.Request {
			return f.SignedRequest(rg.url, f.Sign(fakes.WeChatSafe, f.Text("o1", "x").XML(), now.Add(6*time.Minute), nil, ""))
		}, 403, wechat.RejectStale},
		{"truncated envelope", tamper(func(q url.Values, b []byte) []byte { return b[:len(b)/2] }), 400, wechat.RejectMalformed},
		{"plaintext to a server with a key", func() *http.Request {
			// A genuine message's URL, signed over token, timestamp and
			// nonce only, carrying a body of someone else's making.
			q := good().Query
			q.Del("encrypt_type")
			q.Del("msg_signature")
			return f.SignedRequest(rg.url, fakes.WeChatSigned{Query: q, Body: f.Text("o-victim", "撤回 JS20261128-0001").XML()})
		}, 401, wechat.RejectUnencrypted},
		{"encrypted truncated XML", func() *http.Request {
			x := f.Text("o1", "宿舍停电").XML()
			return f.SignedRequest(rg.url, f.Sign(fakes.WeChatSafe, x[:len(x)-20], now, nil, ""))
		}, 400, wechat.RejectMalformed},
		{"10 MB body", func() *http.Request {
			s := good()
			s.Body = append(bytes.TrimSuffix(s.Body, []byte("</xml>")), bytes.Repeat([]byte("x"), 10<<20)...)
			return f.SignedRequest(rg.url, s)
		}, 413, wechat.RejectTooLarge},
		{"PUT", func() *http.Request {
			r := f.SignedRequest(rg.url, good())
			r.Method = http.MethodPut
			return r
		}, 405, wechat.RejectMethod},
	}
	for _, c := range cases {
		before := rg.rejected.get(c.reason)
		status, body := do(t, c.req())
		if status != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, status, c.status, body)
		}
		if got := rg.rejected.get(c.reason); got != before+1 {
			t.Errorf("%s: reason %s counted %d times, want once", c.name, c.reason, got-before)
		}
	}
	if n := len(rg.h.calls()); n != 0 {
		t.Errorf("the handler saw %d refused requests", n)
	}
	// The same request, unaltered, goes through.
	if status, _ := do(t, f.SignedRequest(rg.url, good())); status != http.StatusOK || len(rg.h.calls()) != 1 {
		t.Errorf("good request: %d", status)
	}
}

func TestReplayWindowIsConfigurable(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.ReplayWindow = 0 // off
	rg := newRig(t, cfg, time.Now())
	s := rg.fake.Sign(fakes.WeChatSafe, rg.fake.Text("o1", "x").XML(), time.Now().Add(-24*time.Hour), nil, "")
	if status, _ := do(t, rg.fake.SignedRequest(rg.url, s)); status != http.StatusOK {
		t.Errorf("with the window off an old request is refused: %d", status)
	}
	cfg.ReplayWindow = 10 * time.Minute
	rg = newRig(t, cfg, time.Now())
	s = rg.fake.Sign(fakes.WeChatSafe, rg.fake.Text("o1", "x").XML(), time.Now().Add(-8*time.Minute), nil, "")
	if status, _ := do(t, rg.fake.SignedRequest(rg.url, s)); status != http.StatusOK {
		t.Errorf("8 minutes within a 10-minute window: %d", status)
	}
}

func TestPlainModeRefusesEncryptedWithoutKey(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.EncodingAESKey = ""
	rg := newRig(t, cfg, time.Now())
	status, _ := do(t, rg.fake.Request(rg.url, fakes.WeChatSafe, rg.fake.Text("o1", "x")))
	if status != http.StatusBadRequest || len(rg.h.calls()) != 0 || rg.rejected.get(wechat.RejectDecrypt) != 1 {
		t.Errorf("encrypted message in plain mode: %d", status)
	}
	// In plain mode, what is not a message is refused as such.
	x := rg.fake.Text("o1", "宿舍停电").XML()
	for name, body := range map[string][]byte{"truncated plain XML": x[:len(x)-20], "not a message": []byte("<xml><Hello>1</Hello></xml>")} {
		before := rg.rejected.get(wechat.RejectMalformed)
		status, _ := do(t, rg.fake.SignedRequest(rg.url, rg.fake.Sign(fakes.WeChatPlain, body, time.Now(), nil, "")))
		if status != http.StatusBadRequest || len(rg.h.calls()) != 0 || rg.rejected.get(wechat.RejectMalformed) != before+1 {
			t.Errorf("%s in plain mode: %d", name, status)
		}
	}
}
