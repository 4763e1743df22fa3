package wechat_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/wechat"
	"github.com/jiesu/jiesu/internal/clock"
)

// checker is a handler that checks what the callback hands on and echoes
// the text back, so the reply encoding is fuzzed too.
type checker struct {
	t     *testing.T
	calls int
}

func (c *checker) Handle(_ context.Context, in bot.Inbound) (bot.Reply, error) {
	c.calls++
	if in.Platform != bot.PlatformWeChat || in.From.ID == "" || in.MsgID == "" || in.Kind == "" {
		c.t.Errorf("inbound = %+v", in)
	}
	if (in.Kind == bot.KindImage || in.Kind == bot.KindVoice) && in.Media == nil {
		c.t.Errorf("media kind without media: %+v", in)
	}
	if in.Kind == bot.KindLocation && in.Location == nil {
		c.t.Errorf("location without location: %+v", in)
	}
	return bot.Reply{Text: in.Text}, nil
}

// FuzzCallback feeds the callback (a) arbitrary queries and bodies, which
// must be refused cleanly, and (b) arbitrary messages correctly signed and
// encrypted, which reach the XML parser and the reply encoder. Nothing
// panics; a refusal never reaches the handler; an answer is one WeChat can
// read. Seeds: the official vector, and messages of every kind.
func FuzzCallback(f *testing.F) {
	f.Add(vecQuery, []byte(vecBody), []byte(vecPlain), uint8(0))
	f.Add(vecQuery, []byte(vecBody), []byte(vecPlain), uint8(3))
	clk := clock.NewFake(vecTime())
	// One fake for the whole run: it signs and reads, and its server is
	// not used here.
	fk := fakes.NewFakeWeChat(f, clk)
	for _, m := range []fakes.WeChatMessage{
		fk.Text("o1", "宿舍停水 ]]> <&>"), fk.Image("o1", "M1"), fk.Voice("o1", "M2", "语音"),
		fk.Location("o1", 39.9, 116.3, "北京"), fk.Event("o1", "CLICK", "help"), fk.Other("o1", "video"),
	} {
		for mode := uint8(1); mode <= 3; mode++ {
			f.Add("", []byte(nil), m.XML(), mode)
		}
	}
	f.Fuzz(func(t *testing.T, query string, body, plain []byte, mode uint8) {
		fake := fk
		h := &checker{t: t}
		cb := wechat.NewCallback(testConfig(), h, wechat.CallbackOptions{Clock: clk})
		var req *http.Request
		var wmode fakes.WeChatMode
		switch mode % 4 {
		case 0: // raw: the attacker's query and body
			req = httptest.NewRequest(http.MethodPost, "/wechat/oa", bytes.NewReader(body))
			req.URL.RawQuery = query
			wmode = fakes.WeChatSafe
		default:
			wmode = []fakes.WeChatMode{fakes.WeChatPlain, fakes.WeChatCompatible, fakes.WeChatSafe}[mode%4-1]
			if wmode == fakes.WeChatCompatible && !utf8.Valid(plain) {
				return
			}
			s := fake.Sign(wmode, plain, clk.Now(), nil, "")
			req = httptest.NewRequest(http.MethodPost, "/wechat/oa?"+s.Query.Encode(), bytes.NewReader(s.Body))
		}
		rec := httptest.NewRecorder()
		cb.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			if h.calls != 1 {
				t.Fatalf("answered 200 after %d handler calls", h.calls)
			}
			out := rec.Body.Bytes()
			if string(out) == "success" {
				return
			}
			if _, err := fake.ReadReply(wmode, out); err != nil && mode%4 != 0 {
				t.Fatalf("unreadable answer: %v\n%s", err, out)
			}
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestEntityTooLarge:
			if h.calls != 0 {
				t.Fatalf("refused with %d after reaching the handler", rec.Code)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, strings.TrimSpace(rec.Body.String()))
		}
	})
}
