package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// studentWrites is what a callback could have studentWrites for a student: their
// cases, their record, the mark of the message.
type studentWrites struct {
	cases      int
	complained bool
	inbound    bool
}

func (r *studentRig) writes(openid, msgKey string) studentWrites {
	r.t.Helper()
	ctx := context.Background()
	list, err := r.st.ListCases(ctx, cases.Filter{Identity: openid})
	if err != nil {
		r.t.Fatal(err)
	}
	_, cerr := r.st.GetComplainant(ctx, cases.ChannelWeChatOA, openid)
	if cerr != nil && !errors.Is(cerr, cases.ErrNotFound) {
		r.t.Fatal(cerr)
	}
	in, err := r.st.GetInbound(ctx, string(cases.ChannelWeChatOA), msgKey)
	if err != nil {
		r.t.Fatal(err)
	}
	return studentWrites{cases: len(list), complained: cerr == nil, inbound: in != (store.InboundClaim{})}
}

func (r *studentRig) metric(reason string) bool {
	r.t.Helper()
	rec := httptest.NewRecorder()
	r.metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		r.t.Fatalf("metrics: %d", rec.Code)
	}
	return bytes.Contains(rec.Body.Bytes(), []byte(`jiesu_callback_rejections_total{channel="wechat_oa",reason="`+reason+`"} 1`))
}

// Through the whole server: each bad request gets a clear status, is
// counted in /metrics, and writes nothing; an unusable message gets the
// help reply and writes nothing either.
func TestBadCallbacksWriteNothing(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		r := newStudentRig(t, st, studentRigOpts{})
		f := r.fake
		target := r.url + r.cfg.WeChat.Path
		const student = "oMallory"
		m := f.Text(student, "宿舍停电了")
		good := func(at time.Time) fakes.WeChatSigned { return f.Sign(fakes.WeChatSafe, m.XML(), at, nil, "") }
		wrongKey := func() *http.Request {
			q := f.Sign(fakes.WeChatPlain, nil, r.clock.Now(), nil, "").Query
			enc, _ := fakes.WeChatEncrypt([]byte("0123456789abcdef"), m.XML(), fakes.FakeWeChatAppID, "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210abcdefg")
			q.Set("encrypt_type", "aes")
			q.Set("msg_signature", fakes.WeChatSignature(fakes.FakeWeChatToken, q.Get("timestamp"), q.Get("nonce"), enc))
			return f.SignedRequest(target, fakes.WeChatSigned{Query: q, Body: []byte("<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")})
		}
		for _, c := range []struct {
			name   string
			req    func() *http.Request
			status int
			reason string
		}{
			{"invalid signature", func() *http.Request {
				s := good(r.clock.Now())
				s.Query.Set("signature", strings.Repeat("f", 40))
				return f.SignedRequest(target, s)
			}, http.StatusUnauthorized, "bad_signature"},
			{"wrong AES key", wrongKey, http.StatusBadRequest, "decrypt"},
			{"replayed old timestamp", func() *http.Request {
				return f.SignedRequest(target, good(r.clock.Now().Add(-r.cfg.WeChat.ReplayWindow-time.Second)))
			}, http.StatusForbidden, "stale"},
			{"truncated XML", func() *http.Request {
				x := m.XML()
				return f.SignedRequest(target, f.Sign(fakes.WeChatSafe, x[:len(x)/2], r.clock.Now(), nil, ""))
			}, http.StatusBadRequest, "malformed"},
			{"10 MB body", func() *http.Request {
				s := good(r.clock.Now())
				s.Body = bytes.Repeat([]byte("<xml>"), 2<<20)
				return f.SignedRequest(target, s)
			}, http.StatusRequestEntityTooLarge, "too_large"},
		} {
			status, body := r.do(c.req())
			if status != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.name, status, c.status, body)
			}
			if !r.metric(c.reason) {
				t.Errorf("%s: /metrics lacks reason %s", c.name, c.reason)
			}
			if w := r.writes(student, strconv.FormatInt(m.MsgID, 10)); w != (studentWrites{}) {
				t.Errorf("%s: wrote %+v", c.name, w)
			}
		}
		if n := len(r.fake.Calls("")); n != 0 {
			t.Errorf("refused callbacks called WeChat %d times", n)
		}
		// Unusable messages: a helpful reply, nothing studentWrites.
		for _, m := range []fakes.WeChatMessage{f.Other(student, "video"), f.Other(student, "shortvideo"), f.Other(student, "link"),
			f.Other(student, "file"), f.Other(student, "miniprogrampage"), f.Other(student, "hologram"),
			f.Text(student, ""), f.Text(student, "【收到不支持的消息类型，暂无法显示】"), f.Text(student, "/::)")} {
			got := r.say(m)
			if !strings.Contains(got, "反映问题") {
				t.Errorf("%s %q: reply %q", m.MsgType, m.Content, got)
			}
			if w := r.writes(student, strconv.FormatInt(m.MsgID, 10)); w != (studentWrites{}) {
				t.Errorf("%s %q: wrote %+v", m.MsgType, m.Content, w)
			}
		}
		// Events change nothing either.
		r.say(f.Event(student, "subscribe", ""))
		r.say(f.Event(student, "CLICK", "my_cases"))
		if _, err := st.GetComplainant(context.Background(), cases.ChannelWeChatOA, student); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("events wrote the complainant: %v", err)
		}
	})
}
