package outbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/templates"
)

var start = time.Date(2026, 11, 28, 9, 30, 0, 0, cases.Shanghai())

const complaint = "学生公寓3号楼停水，我的电话13812345678"

func testConfig() *config.Config {
	return &config.Config{
		Units: []config.Unit{
			{ID: "logistics", Name: "后勤管理处", Chat: config.UnitChat{Platform: "wecom", Group: "wr-logistics"}},
			{ID: "student_affairs", Name: "学生工作部", Chat: config.UnitChat{Platform: "dingtalk", Group: "cid-students"}},
			{ID: "library", Name: "图书馆"}, // no chat yet: the log
			{ID: "school_office", Name: "学校办公室", Chat: config.UnitChat{Platform: "log"}},
		},
		Members: []config.Member{
			{ID: "logistics-li", Name: "李老师", Unit: "logistics", Roles: []string{"handler"}, WeComUser: "LiSi"},
			{ID: "logistics-head", Name: "张处长", Unit: "logistics", Roles: []string{"unit_head"}, WeComUser: "ZhangSan"},
			{ID: "logistics-new", Name: "新同事", Unit: "logistics", Roles: []string{"handler"}}, // no WeCom id yet
			{ID: "office-wang", Name: "王老师", Unit: "school_office", Roles: []string{"school_office"}, WeComUser: "WangWu"},
			{ID: "office-zhao", Name: "赵老师", Unit: "school_office", Roles: []string{"school_office"}, DingTalkUser: "zhao.dd"},
			{ID: "office-qian", Name: "钱老师", Unit: "school_office", Roles: []string{"school_office", "admin"}},
			{ID: "library-zhou", Name: "周老师", Unit: "library", Roles: []string{"handler"}, DingTalkUser: "zhou.dd"},
		},
	}
}

// bundle is one test's world: a fresh store, clock, senders and worker.
type bundle struct {
	store   *fakeStore
	clock   *clock.Fake
	senders map[string]*fakeSender
	metrics *fakeRecorder
	logs    *observer.ObservedLogs
	worker  *Worker
}

type option func(*Params)

func setup(t *testing.T, opts ...option) *bundle {
	t.Helper()
	r, err := render.New(templates.FS, "", render.Base{BaseURL: "https://jiesu.example.edu.cn", Units: map[string]string{"logistics": "后勤管理处"}})
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zapcore.InfoLevel)
	b := &bundle{
		store: newFakeStore(), clock: clock.NewFake(start), metrics: newFakeRecorder(), logs: logs,
		senders: map[string]*fakeSender{},
	}
	var senders []bot.Sender
	for _, p := range []string{bot.PlatformWeCom, bot.PlatformDingTalk, bot.PlatformWeChat, bot.PlatformSandbox, bot.PlatformLog} {
		s := &fakeSender{platform: p}
		b.senders[p] = s
		senders = append(senders, s)
	}
	p := Params{
		Config:   Config{Batch: 10, MaxAttempts: 4, Backoff: 2 * time.Second, MaxBackoff: 10 * time.Second, Lease: time.Minute},
		Store:    b.store,
		Renderer: r,
		Resolver: NewDirectory(testConfig()),
		Senders:  senders,
		Clock:    b.clock,
		Log:      zap.New(core),
		Metrics:  b.metrics,
		// The longest wait the jitter allows, so tests know the exact time.
		Jitter: func(ceiling time.Duration) time.Duration { return ceiling },
	}
	for _, o := range opts {
		o(&p)
	}
	if b.worker, err = New(p); err != nil {
		t.Fatal(err)
	}
	return b
}

func dispatchedCase(id int64, channel cases.Channel) cases.Case {
	return cases.Case{
		ID: id, Number: "JS20261128-0042", Channel: channel, Content: complaint, Place: "学生公寓3号楼",
		Category: "水电", Tier: cases.TierEssential, State: cases.StateDispatched, LeadUnit: "logistics",
		Complainant:  cases.Complainant{Identity: "oyORnuP8q7ou2gfYjqLzSIWZf0rs"},
		RegisteredAt: start, DispatchedAt: start, ContactBy: start.Add(2 * time.Hour), ResolveBy: start.Add(24 * time.Hour),
	}
}

func (b *bundle) runOnce(t *testing.T) int {
	t.Helper()
	n, err := b.worker.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return n
}

func toUnit(id string) cases.Recipient { return cases.Recipient{Kind: cases.ToUnit, ID: id} }

func TestDeliveredOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	id := b.store.queue(1, "case_dispatched", toUnit("logistics"), nil, start)

	if n := b.runOnce(t); n != 1 {
		t.Fatalf("claimed %d, want 1", n)
	}
	if n := b.runOnce(t); n != 0 {
		t.Fatalf("second round claimed %d, want 0", n)
	}
	out := b.senders[bot.PlatformWeCom].outbounds()
	if len(out) != 1 {
		t.Fatalf("wecom got %d messages, want 1", len(out))
	}
	addr, msg := out[0].Address, out[0].Message
	if addr.Kind != bot.AddressGroup || addr.IDs[0] != "wr-logistics" || strings.Join(addr.Members, ",") != "LiSi,ZhangSan" {
		t.Errorf("address = %+v", addr)
	}
	if msg.Title != "新诉求 JS20261128-0042" || msg.Kind != bot.MessageCard || msg.CaseNumber != "JS20261128-0042" {
		t.Errorf("message = %+v", msg)
	}
	if msg.DedupKey != b.store.item(id).DedupKey {
		t.Errorf("DedupKey = %q, want the item's", msg.DedupKey)
	}
	it := b.store.item(id)
	if it.State != "sent" || it.Platform != "wecom" || it.PlatformMsgID != "wecom-1" || !it.SentAt.Equal(start) {
		t.Errorf("item = %+v", it)
	}
	if b.metrics.delivered["wecom"] != 1 || len(b.metrics.failed) != 0 {
		t.Errorf("metrics: delivered %v, failed %v", b.metrics.delivered, b.metrics.failed)
	}
	for _, e := range b.logs.All() {
		for k, v := range e.ContextMap() {
			if s, ok := v.(string); ok && (strings.Contains(s, "13812345678") || strings.Contains(s, "停水")) {
				t.Errorf("log %q field %s carries complaint text at info", e.Message, k)
			}
		}
	}
}

func TestRetryThenSuccess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.senders[bot.PlatformWeCom].script = []error{errors.New("connection reset"), errors.New("connection reset")}
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	id := b.store.queue(1, "case_dispatched", toUnit("logistics"), nil, start)

	b.runOnce(t)
	it := b.store.item(id)
	if it.State != "pending" || it.Attempts != 1 || !it.NextAttemptAt.Equal(start.Add(2*time.Second)) {
		t.Fatalf("after the first failure: state %s, attempts %d, next %v", it.State, it.Attempts, it.NextAttemptAt)
	}
	if !strings.Contains(it.LastError, "wecom: connection reset") {
		t.Errorf("LastError = %q", it.LastError)
	}
	b.clock.Advance(time.Second)
	if n := b.runOnce(t); n != 0 {
		t.Fatalf("claimed %d before the backoff ran out", n)
	}
	now := b.clock.Advance(time.Second)
	b.runOnce(t)
	// Second failure: the ceiling doubles.
	if it := b.store.item(id); it.Attempts != 2 || !it.NextAttemptAt.Equal(now.Add(4*time.Second)) {
		t.Fatalf("after the second failure: attempts %d, next %v, want %v", it.Attempts, it.NextAttemptAt, now.Add(4*time.Second))
	}
	b.clock.Advance(4 * time.Second)
	b.runOnce(t)
	if it := b.store.item(id); it.State != "sent" || it.Attempts != 3 || it.LastError != "" {
		t.Fatalf("item = %+v", it)
	}
	outs := b.senders[bot.PlatformWeCom].outbounds()
	if got := len(outs); got != 3 {
		t.Fatalf("wecom tried %d times, want 3", got)
	}
	// A reset connection may follow a send that arrived: the retries go
	// under the first one's key and say it may have arrived.
	for i, out := range outs {
		if out.MayHaveArrived != (i > 0) || out.Message.DedupKey != b.store.item(id).DedupKey {
			t.Errorf("attempt %d: may have arrived %v, key %q", i+1, out.MayHaveArrived, out.Message.DedupKey)
		}
	}
	if b.metrics.failed["wecom/retry"] != 2 || b.metrics.delivered["wecom"] != 1 {
		t.Errorf("metrics: %v %v", b.metrics.failed, b.metrics.delivered)
	}
}

func TestBackoffHonoursJitterBounds(t *testing.T) {
	t.Parallel()
	for attempt, ceiling := range map[int]time.Duration{1: 2 * time.Second, 2: 4 * time.Second, 3: 8 * time.Second, 4: 10 * time.Second, 60: 10 * time.Second} {
		if got := backoffCeiling(2*time.Second, 10*time.Second, attempt); got != ceiling {
			t.Errorf("ceiling after attempt %d = %v, want %v", attempt, got, ceiling)
		}
	}
	// The real jitter, many times: always within [now, now+ceiling], and
	// not always the same.
	b := setup(t, func(p *Params) { p.Jitter = nil })
	seen := map[time.Time]bool{}
	for range 200 {
		next := b.worker.nextAttempt(start, 3, []error{errors.New("x")})
		if next.Before(start) || next.After(start.Add(8*time.Second)) {
			t.Fatalf("next attempt %v outside [now, now+8s]", next.Sub(start))
		}
		seen[next] = true
	}
	if len(seen) < 10 {
		t.Errorf("jitter gave only %d distinct delays in 200 draws", len(seen))
	}
	// A platform's own wait wins, even past MaxBackoff.
	next := b.worker.nextAttempt(start, 1, []error{errors.New("x"), bot.Retryable(errors.New("410100 throttled"), 10*time.Minute)})
	if !next.Equal(start.Add(10 * time.Minute)) {
		t.Errorf("RetryAfter not honoured: %v", next.Sub(start))
	}
	// A platform's wait is a floor, not the whole answer: one that keeps
	// asking for a second (WeCom's 45033) still backs off as attempts grow.
	b3 := setup(t, func(p *Params) { p.Jitter = func(d time.Duration) time.Duration { return d } })
	busy := bot.Retryable(errors.New("45033 concurrency"), time.Second)
	for attempt, want := range map[int]time.Duration{1: 2 * time.Second, 3: 8 * time.Second, 9: 10 * time.Second} {
		if next := b3.worker.nextAttempt(start, attempt, []error{busy}); !next.Equal(start.Add(want)) {
			t.Errorf("after attempt %d with a 1s wait asked: %v, want %v", attempt, next.Sub(start), want)
		}
	}
	// A jitter that misbehaves is clamped into the bounds.
	b2 := setup(t, func(p *Params) { p.Jitter = func(time.Duration) time.Duration { return time.Hour } })
	if next := b2.worker.nextAttempt(start, 1, nil); !next.Equal(start.Add(2 * time.Second)) {
		t.Errorf("out-of-range jitter not clamped: %v", next.Sub(start))
	}
}

func TestDeadAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.senders[bot.PlatformWeCom].always = errors.New("errcode=-1 system busy")
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	id := b.store.queue(1, "case_dispatched", toUnit("logistics"), nil, start)
	for range 10 {
		b.runOnce(t)
		b.clock.Advance(10 * time.Second) // MaxBackoff: every retry is due
	}
	it := b.store.item(id)
	if it.State != "dead" || it.Attempts != 4 {
		t.Fatalf("state %s after %d attempts, want dead after 4", it.State, it.Attempts)
	}
	if got := len(b.senders[bot.PlatformWeCom].outbounds()); got != 4 {
		t.Errorf("sent %d times, want 4", got)
	}
	if !strings.Contains(it.LastError, "gave up after 4 attempts") {
		t.Errorf("LastError = %q", it.LastError)
	}
	if b.metrics.failed["wecom/retry"] != 3 || b.metrics.failed["wecom/dead"] != 1 {
		t.Errorf("metrics: %v", b.metrics.failed)
	}
	dead := b.logs.FilterLevelExact(zapcore.ErrorLevel).All()
	if len(dead) != 1 {
		t.Fatalf("%d error lines, want 1", len(dead))
	}
	f := dead[0].ContextMap()
	if f["case"] != "JS20261128-0042" || f["template"] != "case_dispatched" || !strings.Contains(f["error"].(string), "system busy") {
		t.Errorf("dead letter log = %v", f)
	}
}

func TestPermanentErrorDeadAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.senders[bot.PlatformWeCom].always = &bot.SendError{Code: "60020", Err: errors.New("not allow to access from your ip")}
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	id := b.store.queue(1, "case_dispatched", toUnit("logistics"), nil, start)
	b.runOnce(t)
	if it := b.store.item(id); it.State != "dead" || it.Attempts != 1 || !strings.Contains(it.LastError, "60020") {
		t.Fatalf("item = %+v", it)
	}
	if b.metrics.failed["wecom/dead"] != 1 || b.metrics.failed["wecom/retry"] != 0 {
		t.Errorf("metrics: %v", b.metrics.failed)
	}
}

func TestNothingToSendIsDead(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		template cases.Template
		to       cases.Recipient
		noWeCom  bool
		want     string
	}{
		"unknown template":    {"no_such_template", toUnit("logistics"), false, "unknown template"},
		"unknown unit":        {"case_dispatched", toUnit("mars_base"), false, "unknown recipient"},
		"role without anyone": {"case_triage", cases.Recipient{Kind: cases.ToRole, ID: "leader"}, false, "no members"},
		"unknown platform":    {"case_dispatched", toUnit("logistics"), true, "no sender for platform"},
	}
	for name, c := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(p *Params) {
				if c.noWeCom {
					p.Senders = p.Senders[1:] // wecom is first
				}
			})
			b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
			id := b.store.queue(1, c.template, c.to, nil, start)
			b.runOnce(t)
			if it := b.store.item(id); it.State != "dead" || it.Attempts != 1 || !strings.Contains(it.LastError, c.want) {
				t.Fatalf("item = %+v, want dead with %q", it, c.want)
			}
		})
	}
}

func TestCaseGoneIsDeadStoreDownRetries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	gone := b.store.queue(99, "case_dispatched", toUnit("logistics"), nil, start)
	b.runOnce(t)
	if it := b.store.item(gone); it.State != "dead" {
		t.Fatalf("message of a missing case: %+v", it)
	}
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	b.store.caseErr = errors.New("database is locked")
	id := b.store.queue(1, "case_dispatched", toUnit("logistics"), nil, start)
	b.runOnce(t)
	if it := b.store.item(id); it.State != "pending" || !strings.Contains(it.LastError, "database is locked") {
		t.Fatalf("message while the store fails: %+v", it)
	}
}

func TestHotlineComplainantSentNone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := dispatchedCase(1, cases.ChannelHotline1234)
	c.Complainant.Identity = ""
	b.store.addCase(c)
	id := b.store.queue(1, "case_result", cases.Recipient{Kind: cases.ToComplainant}, map[string]string{"result": "已修复"}, start)
	b.runOnce(t)
	if it := b.store.item(id); it.State != "sent" || it.Platform != bot.PlatformNone {
		t.Fatalf("item = %+v, want sent on platform none", it)
	}
	for p, s := range b.senders {
		if n := len(s.outbounds()); n != 0 {
			t.Errorf("%s was asked to send %d messages", p, n)
		}
	}
	logged := b.logs.FilterMessageSnippet("no chat path").All()
	if len(logged) != 1 || !strings.Contains(logged[0].ContextMap()["reason"].(string), "hotline_1234") {
		t.Errorf("the reason was not logged: %v", logged)
	}
}

func TestWeChatComplainantGetsText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	b.store.queue(1, "case_result", cases.Recipient{Kind: cases.ToComplainant}, map[string]string{"result": "已修复"}, start)
	b.runOnce(t)
	out := b.senders[bot.PlatformWeChat].outbounds()
	if len(out) != 1 {
		t.Fatalf("wechat got %d messages", len(out))
	}
	if a := out[0].Address; a.Kind != bot.AddressUser || a.IDs[0] != "oyORnuP8q7ou2gfYjqLzSIWZf0rs" {
		t.Errorf("address = %+v", a)
	}
	if m := out[0].Message; m.Kind != bot.MessageText || !strings.Contains(m.Text, "办理结果：已修复") {
		t.Errorf("message = %+v", m)
	}
}

func TestRoleFansOut(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	id := b.store.queue(1, "case_returned", cases.Recipient{Kind: cases.ToRole, ID: "school_office"},
		map[string]string{"unit": "logistics", "reason": "不属于本单位"}, start)
	b.runOnce(t)
	want := map[string]string{"wecom": "WangWu", "dingtalk": "zhao.dd", "log": "office-qian"}
	for p, ids := range want {
		out := b.senders[p].outbounds()
		if len(out) != 1 || strings.Join(out[0].Address.IDs, ",") != ids || out[0].Address.Label != "role:school_office" {
			t.Errorf("%s got %+v, want one message to %s", p, out, ids)
		}
	}
	if it := b.store.item(id); it.State != "sent" || it.Platform != "dingtalk,log,wecom" {
		t.Errorf("item = %+v", it)
	}
}

func TestPartialFailureRetriesAll(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.senders[bot.PlatformDingTalk].script = []error{errors.New("timeout")}
	b.store.addCase(dispatchedCase(1, cases.ChannelWeChatOA))
	id := b.store.queue(1, "case_returned", cases.Recipient{Kind: cases.ToRole, ID: "school_office"}, nil, start)
	b.runOnce(t)
	if it := b.store.item(id); it.State != "pending" {
		t.Fatalf("item = %+v, want a retry", it)
	}
	b.clock.Advance(2 * time.Second)
	b.runOnce(t)
	if it := b.store.item(id); it.State != "sent" {
		t.Fatalf("item = %+v", it)
	}
	// The retry went to every address again with the same dedup key, for
	// the platform to drop the copy.
	out := b.senders[bot.PlatformWeCom].outbounds()
	if len(out) != 2 || out[0].Message.DedupKey != out[1].Message.DedupKey {
		t.Errorf("wecom outbounds = %d, keys differ or missing", len(out))
	}
}

func TestClaimErrorIsReturned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.store.claimErr = errors.New("connection refused")
	if _, err := b.worker.RunOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("RunOnce = %v", err)
	}
}

func TestMessageWithoutCase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// A message not about one case still renders (from Extra) and goes out.
	id := b.store.queue(0, "case_supplemented", toUnit("library"), nil, start)
	b.runOnce(t)
	if it := b.store.item(id); it.State != "sent" || it.Platform != "log" {
		t.Fatalf("item = %+v", it)
	}
}

func TestOvertakenMessageIsNotSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := dispatchedCase(1, cases.ChannelWeChatOA)
	c.State = cases.StateRated
	b.store.addCase(c)
	survey := b.store.queue(1, "case_result", cases.Recipient{Kind: cases.ToComplainant}, nil, start)
	b.store.mu.Lock()
	b.store.items[survey].OnlyWhile = cases.StateFeedbackGiven
	b.store.mu.Unlock()
	still := b.store.queue(1, "case_result", cases.Recipient{Kind: cases.ToComplainant}, nil, start)
	b.store.mu.Lock()
	b.store.items[still].OnlyWhile = cases.StateRated
	b.store.mu.Unlock()
	b.runOnce(t)
	if it := b.store.item(survey); it.State != "sent" || it.Platform != bot.PlatformNone || it.PlatformMsgID != "skipped" {
		t.Errorf("overtaken message: %+v, want sent as skipped", it)
	}
	if it := b.store.item(still); it.State != "sent" || it.Platform == bot.PlatformNone {
		t.Errorf("message whose state still holds: %+v, want delivered", it)
	}
	sent := 0
	for _, s := range b.senders {
		sent += len(s.outbounds())
	}
	if sent != 1 {
		t.Errorf("%d sends, want 1", sent)
	}
}
