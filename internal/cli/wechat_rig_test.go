package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/outbox"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
)

// The public address the test configuration gives; links are rewritten to
// the test server.
const studentBaseURL = "https://jiesu.example.edu.cn"

var studentStart = time.Date(2026, 11, 28, 9, 0, 0, 0, cases.Shanghai())

// rig is one running jiesu with the WeChat channel on, wired as serve
// wires it, on a fake clock, against the fake WeChat.
type studentRig struct {
	t       testing.TB
	st      *store.Store
	clock   *clock.Fake
	cfg     *config.Config
	fake    *fakes.FakeWeChat
	svc     *service.Service
	worker  *outbox.Worker
	app     *app
	url     string
	metrics *metrics.Metrics
	logs    *observer.ObservedLogs
	tokens  map[string]string
	// sameBuilding makes the benchmarks' complaints all about one building.
	sameBuilding bool
}

func studentKeys(t testing.TB) *secret.Keyring {
	k, err := secret.ParseKeyring("t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// studentConfig is the example configuration with the fake Official Account.
func studentConfig(t testing.TB, fake *fakes.FakeWeChat) *config.Config {
	cfg, err := config.Load("", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.DataDir = t.TempDir()
	cfg.Server.BaseURL = studentBaseURL
	w := &cfg.WeChat
	w.AppID, w.AppSecret, w.Token, w.EncodingAESKey = fakes.FakeWeChatAppID, fakes.FakeWeChatSecret, fakes.FakeWeChatToken, fakes.FakeWeChatAESKey
	w.APIBase = fake.URL()
	w.SubscribeTemplateID, w.TemplateID = "SUB-TPL", "MSG-TPL"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// studentRigOpts vary a rig.
type studentRigOpts struct {
	// shared is another replica: this one uses its clock, fake WeChat and
	// configuration.
	shared *studentRig
	// cache replaces the in-process cache (a Redis shared by replicas).
	cache cache.Cache
	// quiet drops the logs instead of keeping them for noPII (benchmarks).
	quiet bool
}

// newStudentRig wires jiesu over st.
func newStudentRig(t testing.TB, st *store.Store, o studentRigOpts) *studentRig {
	t.Helper()
	ctx := context.Background()
	r := &studentRig{t: t, st: st, tokens: map[string]string{}}
	if shared := o.shared; shared != nil {
		r.clock, r.fake, r.cfg = shared.clock, shared.fake, shared.cfg
	} else {
		r.clock = clock.NewFake(studentStart)
		r.fake = fakes.NewFakeWeChat(t, r.clock)
		r.cfg = studentConfig(t, r.fake)
	}
	log := zap.NewNop()
	if !o.quiet {
		core, logs := observer.New(zapcore.InfoLevel)
		r.logs, log = logs, zap.New(core)
	}
	a, err := build(ctx, r.cfg, wiring{log: log, clock: r.clock, store: st, keys: studentKeys(t), cache: o.cache,
		jitter: func(time.Duration) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	r.app, r.worker, r.svc, r.metrics = a, a.worker, a.svc, a.metrics
	tokens := auth.New(st, r.cfg, auth.Options{Clock: r.clock})
	ts := httptest.NewServer(a.web)
	t.Cleanup(ts.Close)
	r.url = ts.URL
	for who, member := range map[string]string{"office": "office-wang", "operator": "hotline-chen", "logistics": "logistics-ma", "network": "network-deng"} {
		tok, err := tokens.Create(ctx, member, studentStart)
		if err != nil {
			t.Fatal(err)
		}
		r.tokens[who] = tok
	}
	return r
}

// post sends m as WeChat would, in safe mode, and returns the status and
// the raw answer.
func (r *studentRig) post(m fakes.WeChatMessage) (int, []byte) {
	r.t.Helper()
	return r.do(r.fake.Request(r.url+r.cfg.WeChat.Path, fakes.WeChatSafe, m))
}

func (r *studentRig) do(req *http.Request) (int, []byte) {
	r.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// say sends m and returns the reply's text, failing unless WeChat would
// accept the answer.
// complain sends student's text as a first complaint and returns the case
// number of its receipt, failing the test when the receipt has none.
func (r *studentRig) complain(student, text string) string {
	r.t.Helper()
	reply := r.say(r.fake.Text(student, text))
	number := caseNumberRe.FindString(reply)
	if number == "" {
		r.t.Fatalf("%q: no case number in the receipt %q", text, reply)
	}
	return number
}

func (r *studentRig) say(m fakes.WeChatMessage) string {
	r.t.Helper()
	status, body := r.post(m)
	if status != http.StatusOK {
		r.t.Fatalf("%s %q: status %d: %s", m.MsgType, m.Content, status, body)
	}
	reply, err := r.fake.ReadReply(fakes.WeChatSafe, body)
	if err != nil {
		r.t.Fatalf("%s %q: %v", m.MsgType, m.Content, err)
	}
	return reply.Content
}

var caseNumberRe = regexp.MustCompile(`JS\d{8}-\d{4}`)

// api calls the JSON API as who.
func (r *studentRig) api(who, method, path string, body any) (int, map[string]any) {
	r.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, r.url+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+r.tokens[who])
	status, raw := r.do(req)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return status, out
}

func (r *studentRig) must(who, method, path string, body any) map[string]any {
	r.t.Helper()
	status, out := r.api(who, method, path, body)
	if status != http.StatusOK {
		r.t.Fatalf("%s %s as %s: %d %v", method, path, who, status, out)
	}
	return out
}

// deliver runs the outbox until nothing is due.
func (r *studentRig) deliver() {
	r.t.Helper()
	for i := 0; i < 20; i++ {
		n, err := r.worker.RunOnce(context.Background())
		if err != nil {
			r.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	r.t.Fatal("the outbox never ran dry")
}

// outboxOf returns the case's queued messages by template (the last of
// each name).
func (r *studentRig) outboxOf(number string) map[string]cases.OutboxItem {
	r.t.Helper()
	c, err := r.st.GetCaseByNumber(context.Background(), number)
	if err != nil {
		r.t.Fatal(err)
	}
	items, err := r.st.ListOutbox(context.Background(), c.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]cases.OutboxItem{}
	for _, it := range items {
		out[string(it.Template)] = it
	}
	return out
}

func (r *studentRig) caseOf(number string) cases.Case {
	r.t.Helper()
	c, err := r.st.GetCaseByNumber(context.Background(), number)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

func (r *studentRig) eventKinds(number string) []string {
	r.t.Helper()
	evs, err := r.st.Events(context.Background(), r.caseOf(number).ID)
	if err != nil {
		r.t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// noPII fails if any log line at info or above carries one of the words.
func (r *studentRig) noPII(words ...string) {
	r.t.Helper()
	for _, e := range r.logs.All() {
		line := e.Message
		for _, f := range e.Context {
			line += " " + f.String + " " + f.Key
			if f.Interface != nil {
				if err, ok := f.Interface.(error); ok {
					line += " " + err.Error()
				}
			}
		}
		for _, w := range words {
			if strings.Contains(line, w) {
				r.t.Errorf("log line carries %q: %s", w, line)
			}
		}
	}
}
