package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/routing"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/web"
)

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, cases.Shanghai())

// bundle is one test's running jiesu: a real server over a real store, a
// fake clock, and a token for each kind of member of the example config.
type bundle struct {
	url    string
	store  *store.Store
	clock  *clock.Fake
	cfg    *config.Config
	tokens map[string]string // office, operator, leader, and a handler per service unit by unit id
	member map[string]string // the member id behind each of those tokens
}

func noEnv(string) (string, bool) { return "", false }

func setup(t testing.TB, st *store.Store) *bundle {
	t.Helper()
	return setupWith(t, st, func(*web.Options) {})
}

// setupWith is setup with the server's options changed by opt.
func setupWith(t testing.TB, st *store.Store, opt func(*web.Options)) *bundle {
	t.Helper()
	cfg, err := config.Load("", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.MaxBodyBytes = 64 << 10
	keys, err := secret.ParseKeyring("t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		t.Fatal(err)
	}
	router, err := routing.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(t0)
	svc := service.New(service.Deps{Store: st, Config: cfg, Router: router, Keys: keys, Clock: clk})
	tokens := auth.New(st, cfg, auth.Options{Clock: clk})
	o := web.Options{
		Service: svc, Tokens: tokens, Clock: clk, Log: zap.NewNop(), Metrics: metrics.New(metrics.Options{Source: st}),
		Ready: func(ctx context.Context) error { return st.Ping(ctx) }, Outbox: st, MaxBodyBytes: cfg.Server.MaxBodyBytes,
	}
	opt(&o)
	srv := web.New(o)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	b := &bundle{url: ts.URL, store: st, clock: clk, cfg: cfg, tokens: map[string]string{}, member: map[string]string{}}
	pick := map[string]func(config.Member) bool{
		"office":    func(m config.Member) bool { return has(m, cases.RoleSchoolOffice) },
		"operator":  func(m config.Member) bool { return has(m, cases.RoleOperator) && !has(m, cases.RoleSchoolOffice) },
		"logistics": func(m config.Member) bool { return m.Unit == "logistics" && has(m, cases.RoleHandler) },
		"security":  func(m config.Member) bool { return m.Unit == "security" && has(m, cases.RoleHandler) },
		"dormitory": func(m config.Member) bool { return m.Unit == "dormitory" && has(m, cases.RoleHandler) },
		"leader":    func(m config.Member) bool { return has(m, cases.RoleLeader) },
	}
	for who, ok := range pick {
		for _, m := range cfg.Members {
			if ok(m) {
				tok, err := tokens.Create(context.Background(), m.ID, t0)
				if err != nil {
					t.Fatal(err)
				}
				b.tokens[who], b.member[who] = tok, m.ID
				break
			}
		}
		if b.tokens[who] == "" {
			t.Fatalf("the example config has no %s member", who)
		}
	}
	return b
}

func has(m config.Member, r cases.Role) bool {
	for _, x := range m.Roles {
		if cases.Role(x) == r {
			return true
		}
	}
	return false
}

// response is a decoded reply.
type response struct {
	status int
	header http.Header
	body   map[string]any
}

func (r response) str(key string) string { s, _ := r.body[key].(string); return s }

func (r response) code() string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (r response) message() string {
	e, _ := r.body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

// call sends a request as who ("" for no token) with body marshalled to JSON
// unless it is already a string or []byte.
func (b *bundle) call(t *testing.T, who, method, path string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(v)
	case []byte:
		rd = bytes.NewReader(v)
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		tok := b.tokens[who]
		if tok == "" {
			tok = who // a raw token under test
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := response{status: res.StatusCode, header: res.Header}
	raw, _ := io.ReadAll(res.Body)
	if len(raw) > 0 && json.Unmarshal(raw, &out.body) != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, raw)
	}
	return out
}

// must is call that expects a status.
func (b *bundle) must(t *testing.T, status int, who, method, path string, body any) response {
	t.Helper()
	r := b.call(t, who, method, path, body)
	if r.status != status {
		t.Fatalf("%s %s as %s: status %d, want %d: %v", method, path, who, r.status, status, r.body)
	}
	return r
}

// snapshot is what "nothing changed" compares: every case and event count.
type snapshot struct {
	cases, events, outbox int
	versions              map[string]float64
}

func (b *bundle) snapshot(t *testing.T) snapshot {
	t.Helper()
	ctx := context.Background()
	list, err := b.store.ListCases(ctx, cases.Filter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{cases: len(list), versions: map[string]float64{}}
	for _, c := range list {
		evs, err := b.store.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		ob, err := b.store.ListOutbox(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.events += len(evs)
		s.outbox += len(ob)
		s.versions[c.Number] = float64(c.Version)
	}
	return s
}

func (s snapshot) equal(o snapshot) bool {
	if s.cases != o.cases || s.events != o.events || s.outbox != o.outbox {
		return false
	}
	for k, v := range s.versions {
		if o.versions[k] != v {
			return false
		}
	}
	return true
}
