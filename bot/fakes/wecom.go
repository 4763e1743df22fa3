package fakes

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/bot/wecom"
	"github.com/jiesu/jiesu/internal/clock"
)

// Credentials of the fake app. The AES key is the official test vector's.
const (
	FakeWeComCorpID  = "wwjiesufake0001"
	FakeWeComSecret  = "fake-app-secret"
	FakeWeComAgentID = int64(1000002)
	FakeWeComToken   = "QDG6eK"
	FakeWeComAESKey  = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
)

// Error codes the fake answers where WeCom's own documentation names none
// (update_template_card's refusal of a used or expired code, a card that
// breaks the documented limits).
const (
	FakeCodeBadParam        = 40058
	FakeCodeBadResponseCode = 40099
	FakeCodeDuplicateKey    = 42039
	FakeCodeBadWebhook      = 93000
	FakeCodeNoUser          = 60111
	FakeCodeBadOAuthCode    = 40029
	FakeTokenTTL            = 7200 * time.Second
	FakeCodeTTL             = 72 * time.Hour
	FakeRobotPerMinute      = 20
	FakeMemberPerMinute     = 30
)

// FakeWeCom is a faithful fake of the WeCom server API, for tests: it
// checks tokens and signatures, enforces the documented limits (a robot's
// 20 messages a minute with 45009; an app's 30 a minute per member, the
// excess dropped silently and recorded here; a task_id used once; a
// response_code used once within 72 hours), records every call, and sends
// correctly encrypted callbacks to the service as a member pressing a
// button or writing to the app would.
type FakeWeCom struct {
	t      testing.TB
	clock  clock.Clock
	server *httptest.Server
	crypto *tencent.Crypto

	// Callback receives the fake's callbacks: the service's handler.
	Callback http.Handler
	// CallbackPath is the path the callbacks are posted to.
	CallbackPath string
	// OnCard, if set, is called with each template card the fake accepts,
	// outside its lock and with the wall-clock time: benchmarks time
	// deliveries by it.
	OnCard func(card wecom.TemplateCard, at time.Time)

	mu          sync.Mutex
	tokens      map[string]time.Time // token → expiry
	seq         int
	users       map[string]FakeWeComUser
	departments map[int64]int64 // id → parent
	tags        map[int64][]string
	robots      map[string][]time.Time // key → accepted posts
	posts       map[string][]FakeRobotPost
	cards       map[string]*FakeCard
	codes       map[string]*fakeCode
	received    map[string][]FakeAppDelivery // user → deliveries, dropped ones included
	calls       []FakeCall
	script      map[string][]int
	oauthCodes  map[string]string
	browser     string
}

// FakeWeComUser is a member of the fake corp.
type FakeWeComUser struct {
	ID          string
	Name        string
	Departments []int64
}

// FakeCall is one API request the fake received.
type FakeCall struct {
	At      time.Time
	API     string // e.g. "message/send"
	Query   string // without access_token
	Body    json.RawMessage
	ErrCode int
}

// FakeRobotPost is one message a group robot accepted.
type FakeRobotPost struct {
	At      time.Time
	MsgType string
	Content string
}

// FakeAppDelivery is one app message as one member received it.
type FakeAppDelivery struct {
	At      time.Time
	MsgType string
	TaskID  string // for a card
	Content string // text or markdown
	Dropped bool   // over the member's 30 a minute: WeCom drops it silently
}

// FakeCard is a template card the app sent, with each receiver's copy.
type FakeCard struct {
	TaskID     string
	SentAt     time.Time
	Card       wecom.TemplateCard
	Recipients []string
	// Replaced is, per member, the text that replaced the buttons of
	// their copy ("" while they can press).
	Replaced map[string]string
}

type fakeCode struct {
	task   string
	issued time.Time
	used   bool
}

// NewFakeWeCom starts the fake on a local port until the test ends. clk
// dates tokens, codes and rate limits; share it with the service.
func NewFakeWeCom(t testing.TB, clk clock.Clock) *FakeWeCom {
	t.Helper()
	c, err := tencent.NewCrypto(FakeWeComToken, FakeWeComCorpID, FakeWeComAESKey)
	if err != nil {
		t.Fatal(err)
	}
	f := &FakeWeCom{t: t, clock: clk, crypto: c,
		tokens: map[string]time.Time{}, users: map[string]FakeWeComUser{}, departments: map[int64]int64{1: 0},
		tags: map[int64][]string{}, robots: map[string][]time.Time{}, posts: map[string][]FakeRobotPost{},
		cards: map[string]*FakeCard{}, codes: map[string]*fakeCode{}, received: map[string][]FakeAppDelivery{},
		script: map[string][]int{}, oauthCodes: map[string]string{}}
	f.server = httptest.NewServer(f.routes())
	t.Cleanup(f.server.Close)
	return f
}

// URL is the fake's base, for wecom.api_base and wecom.oauth_base.
func (f *FakeWeCom) URL() string { return f.server.URL }

// Crypto is the app's callback crypto, as the service must configure it.
func (f *FakeWeCom) Crypto() *tencent.Crypto { return f.crypto }

// AddDepartment adds a department below parent (1 is the root).
func (f *FakeWeCom) AddDepartment(id, parent int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.departments[id] = parent
}

// AddUser adds a member in departments.
func (f *FakeWeCom) AddUser(id, name string, departments ...int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = FakeWeComUser{ID: id, Name: name, Departments: departments}
}

// AddTag tags members.
func (f *FakeWeCom) AddTag(id int64, users ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tags[id] = append(f.tags[id], users...)
}

// AddRobot creates a group robot with webhook key.
func (f *FakeWeCom) AddRobot(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.robots[key] = nil
}

// FailNext makes the next calls of api answer these errcodes, in order.
func (f *FakeWeCom) FailNext(api string, codes ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[api] = append(f.script[api], codes...)
}

// InvalidateTokens makes every token issued so far invalid (40014), as
// when another process fetched a new one or the secret was reset.
func (f *FakeWeCom) InvalidateTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.tokens)
}

// Calls returns the calls of api ("" for all), in order.
func (f *FakeWeCom) Calls(api string) []FakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []FakeCall
	for _, c := range f.calls {
		if api == "" || c.API == api {
			out = append(out, c)
		}
	}
	return out
}

// RobotPosts returns what the robot with key posted to its group.
func (f *FakeWeCom) RobotPosts(key string) []FakeRobotPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.posts[key])
}

// Received returns the app messages that reached member user (or were
// dropped on the way, marked so).
func (f *FakeWeCom) Received(user string) []FakeAppDelivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.received[user])
}

// Members returns every member who received an app message, sorted.
func (f *FakeWeCom) Members() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for u := range f.received {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// Card returns a copy of the card with taskID.
func (f *FakeWeCom) Card(taskID string) (FakeCard, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cards[taskID]
	if !ok {
		return FakeCard{}, false
	}
	cp := *c
	cp.Recipients = slices.Clone(c.Recipients)
	cp.Replaced = map[string]string{}
	for k, v := range c.Replaced {
		cp.Replaced[k] = v
	}
	return cp, true
}

// Cards returns the cards member user received, oldest first.
func (f *FakeWeCom) Cards(user string) []FakeCard {
	f.mu.Lock()
	var ids []string
	for id, c := range f.cards {
		if slices.Contains(c.Recipients, user) {
			ids = append(ids, id)
		}
	}
	f.mu.Unlock()
	var out []FakeCard
	for _, id := range ids {
		if c, ok := f.Card(id); ok {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].SentAt.Equal(out[j].SentAt) {
			return out[i].SentAt.Before(out[j].SentAt)
		}
		return out[i].TaskID < out[j].TaskID
	})
	return out
}

// MaxInWindow returns the most times in any window [t, t+w) — what the
// limits' "N a minute" bounds.
func MaxInWindow(times []time.Time, w time.Duration) int {
	ts := slices.Clone(times)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	best := 0
	for i := range ts {
		n := 0
		for _, t := range ts[i:] {
			if t.Before(ts[i].Add(w)) {
				n++
			}
		}
		best = max(best, n)
	}
	return best
}

// RobotTimes returns when the robot with key accepted each post.
func (f *FakeWeCom) RobotTimes(key string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.robots[key])
}

func (f *FakeWeCom) next(prefix string) string {
	f.seq++
	return prefix + strconv.Itoa(f.seq)
}
