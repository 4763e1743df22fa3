package wecom_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/bot/wecom"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/storetest"
)

var t0 = time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)

const robotKey = "robot-logistics-key"

// world is a sender against a fake WeCom with one unit, logistics, whose
// handlers are department 12 (LiSi, and WangWu in its sub-department 121).
type world struct {
	fake   *fakes.FakeWeCom
	clock  *clock.Fake
	store  wecom.CardStore
	client *wecom.Client
	sender *wecom.Sender
}

func newWorld(t *testing.T) *world {
	t.Helper()
	clk := clock.NewFake(t0)
	f := fakes.NewFakeWeCom(t, clk)
	f.AddDepartment(12, 1)
	f.AddDepartment(121, 12)
	f.AddUser("LiSi", "李四", 12)
	f.AddUser("WangWu", "王五", 121)
	f.AddUser("ZhaoLiu", "赵六", 1)
	f.AddRobot(robotKey)
	return installWorld(t, clk, f, "inst1")
}

// installWorld is one installation of jiesu, with its own database and
// installation id, on the WeCom app of f.
func installWorld(t *testing.T, clk *clock.Fake, f *fakes.FakeWeCom, installation string) *world {
	t.Helper()
	client, err := wecom.NewClient(wecom.ClientConfig{APIBase: f.URL(), CorpID: fakes.FakeWeComCorpID, Secret: fakes.FakeWeComSecret,
		AgentID: fakes.FakeWeComAgentID, HTTP: &http.Client{Timeout: 5 * time.Second}, Cache: cache.NewMemory(clk), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.NewSQLite(t)
	s := wecom.NewSender(wecom.SenderConfig{Installation: installation, Client: client, Cards: st, Clock: clk,
		Groups:  map[string]wecom.Group{"logistics": {Unit: "logistics", RobotKey: robotKey, Parties: []string{"12"}}},
		PageURL: func(n string) string { return "https://jiesu.example.edu.cn/wecom/cases/" + n }})
	return &world{fake: f, clock: clk, store: st, client: client, sender: s}
}

func group() bot.Address {
	return bot.Address{Platform: bot.PlatformWeCom, Kind: bot.AddressGroup, IDs: []string{"logistics"}, Members: []string{"LiSi"}, Label: "unit:logistics"}
}

func dispatchCard(number string) bot.Message {
	link := "https://jiesu.example.edu.cn/cases/" + number
	return bot.Message{Kind: bot.MessageCard, Template: "case_dispatched", Title: "新诉求 " + number,
		Text:   "类别：水电维修\n地点：5号楼\n请尽快接单，首接负责。",
		Fields: []bot.Field{{Label: "类别", Value: "水电维修"}, {Label: "地点", Value: "5号楼"}},
		Link:   link, CaseNumber: number, DedupKey: "case/1/v2/0/" + number,
		Actions: []bot.Button{{Key: "accept", Label: "接单"}, {Key: "view", Label: "查看详情", URL: link}}}
}

func (w *world) send(t *testing.T, out bot.Outbound) bot.SendResult {
	t.Helper()
	res, err := w.sender.Send(context.Background(), out)
	if err != nil {
		t.Fatalf("Send %s: %v", out.Part, err)
	}
	return res
}

func TestPlanSplitsAGroupCard(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ds := w.sender.Plan(bot.Outbound{Address: group(), Message: dispatchCard("JS20261128-0001")})
	if len(ds) != 2 || ds[0].Part != wecom.PartCard || ds[1].Part != wecom.PartNotice {
		t.Fatalf("plan = %+v", ds)
	}
	if l := ds[1].Limits[0]; l.Max != 20 || l.Window != time.Minute || strings.Contains(l.Key, robotKey) {
		t.Errorf("robot limit = %+v (the key must not show the robot key)", l)
	}
	if l := ds[0].Limits[0]; l.Max+wecom.MemberPerMinute > 30 {
		t.Errorf("card limit %d + private %d exceeds WeCom's 30 a member", l.Max, wecom.MemberPerMinute)
	}
	accepted := bot.Message{Template: "case_accepted", Title: "已接单 JS20261128-0001", CaseNumber: "JS20261128-0001"}
	ds = w.sender.Plan(bot.Outbound{Address: group(), Message: accepted})
	if len(ds) != 2 || ds[1].Part != wecom.PartUpdate || ds[1].Template != wecom.TemplateCardTaken || len(ds[1].Limits) != 0 {
		t.Fatalf("plan of case_accepted = %+v", ds)
	}
	user := bot.Address{Platform: bot.PlatformWeCom, Kind: bot.AddressUser, IDs: []string{"LiSi"}}
	ds = w.sender.Plan(bot.Outbound{Address: user, Message: accepted})
	if len(ds) != 1 || ds[0].Part != wecom.PartApp || ds[0].Fold != "wecom:user:LiSi" || ds[0].Limits[0].Max != wecom.MemberPerMinute {
		t.Fatalf("plan to a member = %+v", ds)
	}
	if got := w.sender.Plan(bot.Outbound{Address: user, Message: accepted, Part: wecom.PartApp}); len(got) != 1 {
		t.Errorf("Plan of one part = %+v", got)
	}
}

func TestNoticeAndCardThenUpdate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	number := "JS20261128-0001"
	w.send(t, bot.Outbound{Address: group(), Message: dispatchCard(number), Part: wecom.PartNotice})
	posts := w.fake.RobotPosts(robotKey)
	if len(posts) != 1 || !strings.Contains(posts[0].Content, "**新诉求 "+number+"**") ||
		!strings.Contains(posts[0].Content, "[查看详情](https://jiesu.example.edu.cn/wecom/cases/"+number+")") {
		t.Fatalf("robot posts = %+v", posts)
	}

	res := w.send(t, bot.Outbound{Address: group(), Message: dispatchCard(number), Part: wecom.PartCard})
	task := strings.TrimPrefix(res.MessageID, "task:")
	card, ok := w.fake.Card(task)
	if !ok {
		t.Fatalf("no card %s at the fake", task)
	}
	if strings.Join(card.Recipients, ",") != "LiSi,WangWu" {
		t.Errorf("department 12 reached %v, want LiSi and WangWu (sub-department)", card.Recipients)
	}
	if b := card.Card.ButtonList; len(b) != 1 || b[0].Key != "accept@"+number || b[0].Text != "接单" {
		t.Errorf("buttons = %+v", b)
	}
	if card.Card.CardAction == nil || card.Card.CardAction.URL != "https://jiesu.example.edu.cn/wecom/cases/"+number {
		t.Errorf("card action = %+v", card.Card.CardAction)
	}
	// A retry of a send that went through meets 42014 and counts as sent.
	if _, err := w.sender.Send(ctx, bot.Outbound{Address: group(), Message: dispatchCard(number), Part: wecom.PartCard, MayHaveArrived: true}); err != nil {
		t.Fatalf("retried card: %v", err)
	}
	if n := len(w.fake.Cards("LiSi")); n != 1 {
		t.Errorf("LiSi holds %d cards after a retry, want 1", n)
	}

	taken := bot.Message{Template: wecom.TemplateCardTaken, Title: "已由 李四 接单", CaseNumber: number}
	res = w.send(t, bot.Outbound{Address: group(), Message: taken, Part: wecom.PartUpdate})
	if res.MessageID != "updated:1" {
		t.Errorf("update = %+v", res)
	}
	card, _ = w.fake.Card(task)
	if card.Replaced["LiSi"] != "已由 李四 接单" || card.Replaced["WangWu"] != "已由 李四 接单" {
		t.Errorf("copies after the update: %v", card.Replaced)
	}
	// The card is closed: a second update has nothing to do.
	if res := w.send(t, bot.Outbound{Address: group(), Message: taken, Part: wecom.PartUpdate}); res.MessageID != "updated:0" {
		t.Errorf("second update = %+v", res)
	}
	if n := len(w.fake.Calls("message/update_template_card")); n != 1 {
		t.Errorf("%d update calls, want 1", n)
	}
}

func TestAppMessages(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	user := bot.Address{Platform: bot.PlatformWeCom, Kind: bot.AddressUser, IDs: []string{"ZhaoLiu"}}
	notice := bot.Message{Kind: bot.MessageNotice, Template: "escalation", Title: "督办提醒 JS20261128-0001", Text: "状态：待接单",
		Link: "https://jiesu.example.edu.cn/cases/JS20261128-0001", CaseNumber: "JS20261128-0001", DedupKey: "remind/1"}
	w.send(t, bot.Outbound{Address: user, Message: notice, Part: wecom.PartApp})
	text := bot.Message{Kind: bot.MessageText, Title: "已接单", Text: "JS1 已接单。", DedupKey: "x"}
	w.send(t, bot.Outbound{Address: user, Message: text, Part: wecom.PartApp})
	private := dispatchCard("JS20261128-0002")
	private.Actions = []bot.Button{{Key: "contact", Label: "已联系"}, {Key: "resolve", Label: "办结", URL: private.Link + "#resolve"}}
	w.send(t, bot.Outbound{Address: user, Message: private, Part: wecom.PartApp})
	got := w.fake.Received("ZhaoLiu")
	if len(got) != 3 || got[0].MsgType != wecom.MsgMarkdown || got[1].MsgType != wecom.MsgText || got[2].MsgType != wecom.MsgTemplateCard {
		t.Fatalf("received = %+v", got)
	}
	if !strings.Contains(got[0].Content, "督办提醒") || got[1].Content != "已接单\nJS1 已接单。" {
		t.Errorf("contents = %q / %q", got[0].Content, got[1].Content)
	}
	card, _ := w.fake.Card(got[2].TaskID)
	rows := card.Card.HorizontalContentList
	// The fields first, the link in a row left over.
	if len(rows) == 0 || rows[0].Type != 0 || rows[len(rows)-1].Type != 1 || rows[len(rows)-1].URL != "https://jiesu.example.edu.cn/wecom/cases/JS20261128-0002#resolve" {
		t.Errorf("rows = %+v", rows)
	}
	if b := card.Card.ButtonList; len(b) != 1 || b[0].Key != "contact@JS20261128-0002" {
		t.Errorf("buttons = %+v", b)
	}
}

func TestDigests(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var items []bot.Message
	for _, n := range []string{"JS20261128-0001", "JS20261128-0002", "JS20261128-0003"} {
		m := dispatchCard(n)
		items = append(items, m)
	}
	digest := bot.Message{Kind: bot.MessageCard, Template: "digest_notice", Title: "消息汇总（3条）", Text: "因消息较多合并发送。",
		Digest: items, DedupKey: "digest/x"}
	w.send(t, bot.Outbound{Address: group(), Message: digest, Part: wecom.PartNotice})
	post := w.fake.RobotPosts(robotKey)[0].Content
	for _, m := range items {
		if !strings.Contains(post, "[新诉求 "+m.CaseNumber+"](https://jiesu.example.edu.cn/wecom/cases/"+m.CaseNumber+")") {
			t.Errorf("digest notice lacks a link to %s:\n%s", m.CaseNumber, post)
		}
	}
	digest.Title = "待接单诉求 3 件"
	res := w.send(t, bot.Outbound{Address: group(), Message: digest, Part: wecom.PartCard})
	card, _ := w.fake.Card(strings.TrimPrefix(res.MessageID, "task:"))
	sel := card.Card.ButtonSelection
	if sel == nil || len(sel.OptionList) != 3 || sel.OptionList[1].ID != "accept@JS20261128-0002" {
		t.Fatalf("selection = %+v", sel)
	}
	if len(card.Card.HorizontalContentList) != 3 || card.Card.HorizontalContentList[2].URL != "https://jiesu.example.edu.cn/wecom/cases/JS20261128-0003" {
		t.Errorf("rows = %+v", card.Card.HorizontalContentList)
	}
	// Each case of the digest is on record with the card.
	for _, m := range items {
		if cards, _ := w.store.OpenCards(context.Background(), bot.PlatformWeCom, m.CaseNumber); len(cards) != 1 || !cards[0].Digest {
			t.Errorf("cards of %s = %+v", m.CaseNumber, cards)
		}
	}
}

func TestErrorsClassified(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	card := bot.Outbound{Address: group(), Message: dispatchCard("JS20261128-0009"), Part: wecom.PartCard}

	w.fake.FailNext("message/send", 45009)
	_, err := w.sender.Send(ctx, card)
	if bot.IsPermanent(err) || bot.RetryAfter(err) != time.Minute || bot.ErrorCode(err) != "45009" {
		t.Fatalf("45009 = %v (retry after %v)", err, bot.RetryAfter(err))
	}

	// A token WeCom no longer takes is replaced and the call repeated once.
	w.fake.InvalidateTokens()
	tokens := len(w.fake.Calls("gettoken"))
	if _, err := w.sender.Send(ctx, card); err != nil {
		t.Fatalf("after invalidated tokens: %v", err)
	}
	if got := len(w.fake.Calls("gettoken")); got != tokens+1 {
		t.Errorf("gettoken called %d more times, want 1", got-tokens)
	}

	w.fake.FailNext("message/send", 60020)
	_, err = w.sender.Send(ctx, bot.Outbound{Address: group(), Message: dispatchCard("JS20261128-0010"), Part: wecom.PartCard})
	if !bot.IsPermanent(err) || bot.ErrorCode(err) != "60020" {
		t.Fatalf("60020 = %v", err)
	}
	if err := w.client.Health().Check(ctx); err == nil || !strings.Contains(err.Error(), "60020") || !strings.Contains(err.Error(), "可信IP") {
		t.Fatalf("health after 60020 = %v", err)
	}
	// A call that works again clears it.
	if _, err := w.sender.Send(ctx, bot.Outbound{Address: group(), Message: dispatchCard("JS20261128-0011"), Part: wecom.PartCard}); err != nil {
		t.Fatal(err)
	}
	if err := w.client.Health().Check(ctx); err != nil {
		t.Errorf("health after a good call = %v", err)
	}

	// The robot's errcode is checked: silenceper's RobotBroadcast would
	// have returned nil here.
	w.fake.FailNext("webhook/send", 93000)
	_, err = w.sender.Send(ctx, bot.Outbound{Address: group(), Message: dispatchCard("JS20261128-0012"), Part: wecom.PartNotice})
	var ae *tencent.APIError
	if !errors.As(err, &ae) || ae.Code != 93000 || !bot.IsPermanent(err) {
		t.Fatalf("robot failure = %v", err)
	}
	if strings.Contains(err.Error(), robotKey) {
		t.Errorf("the error shows the robot key: %v", err)
	}
}

func TestRobotRateLimitAt20(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for i := range 21 {
		m := dispatchCard("JS20261128-0001")
		_, err := w.sender.Send(context.Background(), bot.Outbound{Address: group(), Message: m, Part: wecom.PartNotice})
		if i < 20 && err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
		if i == 20 && bot.ErrorCode(err) != "45009" {
			t.Fatalf("21st post in a minute = %v, want 45009", err)
		}
	}
}

// WeCom refuses a task_id its app saw before from any database. Another
// installation on the same app (a reinstall, a move to PostgreSQL, staging
// beside production) sends the same case number under the same database
// ids: its card must still reach the handlers, and a 42014 that no earlier
// attempt of the message explains must not count as delivered.
func TestCardsOfAnotherInstallationOnTheSameAppArrive(t *testing.T) {
	t.Parallel()
	first := newWorld(t)
	second := installWorld(t, first.clock, first.fake, "inst2")
	number := "JS20261128-0001"
	card := bot.Outbound{Address: group(), Message: dispatchCard(number), Part: wecom.PartCard}
	a := first.send(t, card)
	b := second.send(t, card)
	if a.MessageID == b.MessageID {
		t.Fatalf("both installations sent task %s", a.MessageID)
	}
	if n := len(first.fake.Cards("LiSi")); n != 2 {
		t.Errorf("LiSi holds %d cards, want one from each installation", n)
	}
	// The same message again without an earlier attempt of its own: its
	// 42014 is not a delivery.
	_, err := second.sender.Send(context.Background(), card)
	if !bot.IsPermanent(err) || !strings.Contains(err.Error(), "42014") {
		t.Errorf("42014 without an earlier attempt: %v, want a permanent error", err)
	}
}
