package sla_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/outbox"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/routing"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
	"github.com/jiesu/jiesu/templates"
)

// t0 is when the cases of a test are dispatched: 09:00 in Shanghai.
var t0 = storetest.Epoch()

// bundle is one replica of jiesu around a store: the service, the
// scheduler with its jobs, and an outbox worker whose platforms are fakes.
type bundle struct {
	st        *store.Store
	cfg       *config.Config
	clock     *clock.Fake
	svc       *service.Service
	sweeper   *sla.Sweeper
	scheduler *sla.Scheduler
	worker    *outbox.Worker
	platforms *platforms
}

func exampleConfig(t testing.TB) *config.Config {
	t.Helper()
	cfg, err := config.Load("", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// setup builds a replica on st; replicas of one test share their
// platforms (pass the first one's) so that what reaches a person is
// counted once, wherever it was sent from.
func setup(t testing.TB, st *store.Store, clk *clock.Fake, ps *platforms) *bundle {
	t.Helper()
	cfg := exampleConfig(t)
	if clk == nil {
		clk = clock.NewFake(t0)
	}
	if ps == nil {
		ps = newPlatforms(bot.PlatformLog, bot.PlatformSandbox, bot.PlatformWeChat)
	}
	keys, err := secret.ParseKeyring("t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		t.Fatal(err)
	}
	router, err := routing.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b := &bundle{st: st, cfg: cfg, clock: clk, platforms: ps}
	b.svc = service.New(service.Deps{Store: st, Config: cfg, Router: router, Keys: keys, Clock: clk})
	if b.sweeper, err = sla.NewSweeper(sla.SweeperParams{Store: st, Config: cfg}); err != nil {
		t.Fatal(err)
	}
	notices, err := sla.NewIncidentNotices(st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.scheduler, err = sla.NewScheduler(sla.SchedulerParams{
		Interval: cfg.SLA.SweepInterval, Leases: st, Clock: clk, Jobs: []sla.Job{b.sweeper, notices},
	}); err != nil {
		t.Fatal(err)
	}
	r, err := render.New(templates.FS, "", render.BaseFrom(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if b.worker, err = outbox.New(outbox.Params{
		Store: st, Renderer: r, Resolver: outbox.NewDirectory(cfg), Senders: ps.senders(), Clock: clk,
		Jitter: func(time.Duration) time.Duration { return 0 },
	}); err != nil {
		t.Fatal(err)
	}
	return b
}

// tick runs the scheduler at the clock's time and delivers what it queued.
func (b *bundle) tick(t testing.TB) {
	t.Helper()
	if err := b.scheduler.RunOnce(context.Background(), b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	b.drain(t)
}

// drain delivers every message due now.
func (b *bundle) drain(t testing.TB) {
	t.Helper()
	for {
		n, err := b.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// platforms are fake chat platforms that record what reaches people.
type platforms struct {
	byName map[string]*platform
}

func newPlatforms(names ...string) *platforms {
	ps := &platforms{byName: map[string]*platform{}}
	for _, n := range names {
		ps.byName[n] = &platform{name: n, seen: map[string]bool{}}
	}
	return ps
}

func (ps *platforms) senders() []bot.Sender {
	var out []bot.Sender
	for _, p := range ps.byName {
		out = append(out, p)
	}
	return out
}

// shown returns every message shown on any platform, in the order shown.
func (ps *platforms) shown() []bot.Outbound {
	var out []bot.Outbound
	for _, p := range ps.byName {
		out = append(out, p.shownMessages()...)
	}
	return out
}

// to returns the messages shown to a recipient (its address label:
// unit:logistics, member:logistics-li, role:school_office, complainant)
// of the given templates (all when none).
func (ps *platforms) to(label string, templates ...cases.Template) []bot.Outbound {
	var out []bot.Outbound
	for _, o := range ps.shown() {
		if o.Address.Label == label && (len(templates) == 0 || slices.Contains(templates, cases.Template(o.Message.Template))) {
			out = append(out, o)
		}
	}
	return out
}

// platform is a fake platform. With dedup it drops a message whose dedup
// key it has shown (WeCom's duplicate check, DingTalk's msgUuid); without,
// it shows every send (WeCom's group robot).
type platform struct {
	name   string
	dedup  bool
	onSend func(bot.Outbound) error // runs after the platform took the message, before the sender answers

	mu       sync.Mutex
	received int
	shownOut []bot.Outbound
	seen     map[string]bool
}

func (p *platform) Platform() string { return p.name }

func (p *platform) Send(_ context.Context, out bot.Outbound) (bot.SendResult, error) {
	p.mu.Lock()
	p.received++
	n := p.received
	if !(p.dedup && p.seen[out.Message.DedupKey]) {
		p.seen[out.Message.DedupKey] = true
		p.shownOut = append(p.shownOut, out)
	}
	hook := p.onSend
	p.mu.Unlock()
	if hook != nil {
		if err := hook(out); err != nil {
			return bot.SendResult{}, err
		}
	}
	return bot.SendResult{MessageID: fmt.Sprintf("%s-%d", p.name, n)}, nil
}

func (p *platform) shownMessages() []bot.Outbound {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.shownOut)
}

// field returns the value of a message's 标签：值 field, or "".
func field(m bot.Message, label string) string {
	for _, f := range m.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

// caseCount is how many cases a shown escalation message speaks of: one for
// a message about one case, the 件数 of a digest.
func caseCount(t testing.TB, m bot.Message) int {
	t.Helper()
	if m.Template != string(sla.DigestTemplate) {
		return 1
	}
	n, err := strconv.Atoi(field(m, "件数"))
	if err != nil {
		t.Fatalf("digest without a count: %+v", m)
	}
	return n
}

// member is a member of the example configuration as an actor.
func member(t testing.TB, cfg *config.Config, id string) cases.Actor {
	t.Helper()
	a, err := cfg.Actor(id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
