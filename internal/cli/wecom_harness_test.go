package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/outbox"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/web"
)

// The WeCom world of the end-to-end tests: the example configuration with
// logistics on WeCom. Its handlers are department 12 (马超 and the unit
// head 李军 from the configuration; 周新, in sub-department 121, known only
// to the address book) and tag 7, a duty roster that also holds 徐丽 of the
// dormitory unit.
const (
	robotLogistics = "robot-logistics-key"
	userMa         = "MaChao"  // logistics-ma, handler
	userLi         = "LiJun"   // logistics-li, unit head
	userZhou       = "ZhouXin" // address book only
	userXu         = "XuLi"    // dorm-xu, another unit
	userWang       = "WangMin" // office-wang, school office
	userVisitor    = "Visitor" // in the corp, in no unit
)

type harness struct {
	t      testing.TB
	clock  *clock.Fake
	fake   *fakes.FakeWeCom
	cfg    *config.Config
	store  *store.Store
	svc    *service.Service
	worker *outbox.Worker
	web    *web.Server
	wechat *recordingSender
	app    *app
}

// recordingSender stands in for the Official Account: it keeps what the
// complainant would receive.
type recordingSender struct {
	mu  sync.Mutex
	got []bot.Outbound
}

func (r *recordingSender) Platform() string { return bot.PlatformWeChat }

func (r *recordingSender) Send(_ context.Context, out bot.Outbound) (bot.SendResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, out)
	return bot.SendResult{MessageID: fmt.Sprintf("wx-%d", len(r.got))}, nil
}

func (r *recordingSender) sent() []bot.Outbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

type harnessOption func(*config.Config)

// newHarness wires the service as build does, on st, against a fake WeCom
// and a fake clock; opts adjust the configuration first.
func newHarness(t testing.TB, st *store.Store, opts ...harnessOption) *harness {
	t.Helper()
	return buildHarness(t, st, harnessSetup{config: opts})
}

// harnessSetup is what a benchmark changes beyond the configuration.
type harnessSetup struct {
	realClock bool   // run on the wall clock (the fake clock still exists, unused)
	redisURL  string // share the cache and limits through this Redis, as serve does
	config    []harnessOption
	fake      func(*fakes.FakeWeCom)
	// app is the WeCom app of another harness, which this one shares
	// (another installation); its fake and clock are used.
	app *harness
	// outboxStore is where the worker records its sends, instead of st.
	outboxStore outbox.Store
}

func buildHarness(t testing.TB, st *store.Store, setup harnessSetup) *harness {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC))
	var now clock.Clock = clk
	if setup.realClock {
		now = clock.Real{}
	}
	if setup.app != nil {
		clk, now = setup.app.clock, setup.app.clock
	}
	fake := newHarnessFake(t, now, setup)

	cfg, err := config.Load("", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.DataDir = t.TempDir()
	cfg.WeCom = config.WeCom{CorpID: fakes.FakeWeComCorpID, AgentID: fakes.FakeWeComAgentID, Secret: fakes.FakeWeComSecret,
		Token: fakes.FakeWeComToken, EncodingAESKey: fakes.FakeWeComAESKey, APIBase: fake.URL(), OAuthBase: fake.URL(),
		Path: config.DefaultWeComPath, ReplayWindow: 5 * time.Minute}
	for i, u := range cfg.Units {
		if u.ID == "logistics" {
			cfg.Units[i].Chat = config.UnitChat{Platform: config.PlatformWeCom, RobotKey: robotLogistics, Departments: []string{"12"}, Tags: []string{"7"}}
		}
	}
	for i, m := range cfg.Members {
		switch m.ID {
		case "logistics-ma":
			cfg.Members[i].WeComUser = userMa
		case "logistics-li":
			cfg.Members[i].WeComUser = userLi
		case "dorm-xu":
			cfg.Members[i].WeComUser = userXu
		case "office-wang":
			cfg.Members[i].WeComUser = userWang
		}
	}
	cfg.Outbox.Batch = 100
	for _, o := range setup.config {
		o(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	spec, _ := secret.GenerateKey("test")
	keys, err := secret.ParseKeyring(spec)
	if err != nil {
		t.Fatal(err)
	}
	wx := &recordingSender{}
	var shared cache.Cache = cache.NewMemory(now)
	if setup.redisURL != "" {
		cfg.Redis.URL, shared = setup.redisURL, nil
	}
	a, err := build(context.Background(), cfg, wiring{clock: now, store: st, keys: keys,
		http: &http.Client{Timeout: 5 * time.Second}, cache: shared,
		jitter: func(c time.Duration) time.Duration { return c }, senders: []bot.Sender{wx}, outboxStore: setup.outboxStore})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	fake.Callback, fake.CallbackPath = a.web, cfg.WeCom.Path
	return &harness{t: t, clock: clk, fake: fake, cfg: cfg, store: st, svc: a.svc, worker: a.worker, web: a.web, wechat: wx, app: a}
}

// newHarnessFake is the WeCom app of the tests, or the one setup shares.
func newHarnessFake(t testing.TB, now clock.Clock, setup harnessSetup) *fakes.FakeWeCom {
	if setup.app != nil {
		return setup.app.fake
	}
	fake := fakes.NewFakeWeCom(t, now)
	fake.AddDepartment(12, 1)
	fake.AddDepartment(121, 12)
	fake.AddDepartment(20, 1)
	fake.AddUser(userMa, "马超", 12)
	fake.AddUser(userLi, "李军", 12)
	fake.AddUser(userZhou, "周新", 121)
	fake.AddUser(userXu, "徐丽", 20)
	fake.AddUser(userWang, "王敏", 1)
	fake.AddUser(userVisitor, "访客", 1)
	fake.AddTag(7, userMa, userXu)
	fake.AddRobot(robotLogistics)
	if setup.fake != nil {
		setup.fake(fake)
	}
	return fake
}

// complaint registers a student's complaint from the Official Account,
// which routing sends to logistics.
func (h *harness) complaint(text string) cases.Case {
	h.t.Helper()
	out, err := h.svc.Create(context.Background(), cases.SystemActor(), service.CreateInput{
		Channel: cases.ChannelWeChatOA, Identity: "oStudent-" + text, Name: "张三", Contact: "13812345678",
		Content: text, LeadUnit: "logistics",
	})
	if err != nil {
		h.t.Fatalf("create: %v", err)
	}
	if out.Case.State != cases.StateDispatched || out.Case.LeadUnit != "logistics" {
		h.t.Fatalf("case %s is %s at %q", out.Case.Number, out.Case.State, out.Case.LeadUnit)
	}
	// A case of the category and place of another open one joins its
	// incident, which the SLA sweep announces instead: the tests keep
	// their complaints apart.
	items, err := h.store.ListOutbox(context.Background(), out.Case.ID)
	if err != nil || len(items) == 0 || items[0].Template != "case_dispatched" {
		h.t.Fatalf("case %s queued %+v, %v; want its dispatch (did it join an incident?)", out.Case.Number, items, err)
	}
	return out.Case
}

// drain runs the outbox until a round finds nothing due.
func (h *harness) drain() {
	h.t.Helper()
	for range 1000 {
		n, err := h.worker.RunOnce(context.Background())
		if err != nil {
			h.t.Fatalf("outbox: %v", err)
		}
		if n == 0 {
			return
		}
	}
	h.t.Fatal("the outbox never ran dry")
}

func (h *harness) get(number string) cases.Case {
	h.t.Helper()
	c, err := h.store.GetCaseByNumber(context.Background(), number)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) events(c cases.Case) []cases.Event {
	h.t.Helper()
	evs, err := h.store.Events(context.Background(), c.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return evs
}

// card returns the card of the case with the action's button that member
// holds (not a digest).
func (h *harness) card(member, number, action string) (fakes.FakeCard, bool) {
	for _, c := range h.fake.Cards(member) {
		for _, b := range c.Card.ButtonList {
			if b.Key == action+"@"+number {
				return c, true
			}
		}
	}
	return fakes.FakeCard{}, false
}

func (h *harness) press(member, number, action string) fakes.FakeReply {
	h.t.Helper()
	c, ok := h.card(member, number, action)
	if !ok {
		h.t.Fatalf("%s holds no card of %s", member, number)
	}
	r, err := h.fake.Press(member, c.TaskID, action+"@"+number, "")
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

func (h *harness) readyz() (int, string) {
	rec := httptest.NewRecorder()
	h.web.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	return rec.Code, rec.Body.String()
}

func kinds(evs []cases.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}
