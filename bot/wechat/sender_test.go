package wechat_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/bot/wechat"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
)

// senderRig is a sender against the fake, with a known student window.
type senderRig struct {
	clock  *clock.Fake
	fake   *fakes.FakeWeChat
	api    *wechat.API
	sender *wechat.Sender
	cache  *cache.Memory
	last   map[string]time.Time
}

func newSender(t *testing.T, sub, tpl bool) *senderRig {
	clk := clock.NewFake(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
	r := &senderRig{clock: clk, fake: fakes.NewFakeWeChat(t, clk), cache: cache.NewMemory(clk), last: map[string]time.Time{}}
	cfg := testConfig()
	cfg.APIBase = r.fake.URL()
	cfg.SubscribeFields = map[string]string{"character_string1": "number", "thing2": "title", "time3": "time"}
	cfg.TemplateFields = map[string]string{"character_string1": "number", "thing2": "title", "thing3": "text"}
	if sub {
		cfg.SubscribeTemplateID = "SUB-TPL"
	}
	if tpl {
		cfg.TemplateID = "MSG-TPL"
	}
	r.api = wechat.NewAPI(cfg, r.cache, nil)
	windows := wechat.WindowsFunc(func(_ context.Context, openid string) (time.Time, bool, error) {
		at, ok := r.last[openid]
		return at, ok, nil
	})
	r.sender = wechat.NewSender(cfg, r.api, windows, clk, nil)
	return r
}

func result() bot.Outbound {
	return bot.Outbound{
		Address: bot.Address{Platform: bot.PlatformWeChat, Kind: bot.AddressUser, IDs: []string{"oStudent"}, Label: "complainant"},
		Message: bot.Message{
			Kind: bot.MessageText, Template: "case_result", CaseNumber: "JS20261128-0042",
			Title: "您的诉求已办结（JS20261128-0042）", Text: "办理单位：后勤管理处\n办理结果：已更换供水阀门，恢复供水。",
			Link:    "https://jiesu.example.edu.cn/cases/JS20261128-0042",
			Actions: []bot.Button{{Key: "rate", Label: "评价", URL: "https://jiesu.example.edu.cn/survey/tok"}},
		},
	}
}

func TestSenderUsesTheWindowThenFallsThrough(t *testing.T) {
	t.Parallel()
	r := newSender(t, true, true)
	ctx := context.Background()
	// The student wrote a minute ago: customer-service message.
	r.fake.UserWrote("oStudent", r.clock.Now())
	r.last["oStudent"] = r.clock.Now()
	r.clock.Advance(time.Minute)
	res, err := r.sender.Send(ctx, result())
	if err != nil || res.Method != wechat.MethodCustomerService || res.MessageID != "customer_service" {
		t.Fatalf("in the window: %+v, %v", res, err)
	}
	got := r.fake.Delivered("oStudent")
	if len(got) != 1 || !strings.Contains(got[0].Text(), "已更换供水阀门") ||
		!strings.Contains(got[0].Text(), `<a href="https://jiesu.example.edu.cn/survey/tok">评价</a>`) ||
		strings.Contains(got[0].Text(), "/cases/") {
		t.Errorf("customer-service text = %q", got[0].Text())
	}
	// Our record says the window is open, but WeChat says 45015 (quota,
	// or the record is behind): the subscribe message takes over.
	r.fake.GrantSubscription("oStudent", "SUB-TPL")
	r.fake.FailNext(fakes.WeChatPathCustom, fakes.FakeCodeOutOfWindow)
	res, err = r.sender.Send(ctx, result())
	if err != nil || res.Method != wechat.MethodSubscribe {
		t.Fatalf("after 45015: %+v, %v", res, err)
	}
	sub := r.fake.Delivered("oStudent")[1]
	if sub.Path != fakes.WeChatPathSubscribe || sub.Data("character_string1") != "JS20261128-0042" ||
		sub.Data("thing2") != "您的诉求已办结" /* the number has its own key */ || sub.Body["page"] != "https://jiesu.example.edu.cn/survey/tok" {
		t.Errorf("subscribe = %+v", sub.Body)
	}
	// Three days later the window is known closed: no customer-service
	// call at all; the subscription is used up (43101): template message.
	r.clock.Advance(72 * time.Hour)
	calls := len(r.fake.Calls(fakes.WeChatPathCustom))
	res, err = r.sender.Send(ctx, result())
	if err != nil || res.Method != wechat.MethodTemplate || !strings.HasPrefix(res.MessageID, "template:") || len(res.MessageID) <= len("template:") {
		t.Fatalf("window closed, no subscription: %+v, %v", res, err)
	}
	if n := len(r.fake.Calls(fakes.WeChatPathCustom)); n != calls {
		t.Errorf("tried a customer-service message known to be out of window (%d calls)", n-calls)
	}
	tpl := r.fake.Delivered("oStudent")[2]
	if tpl.Data("thing3") != "办理单位：后勤管理处" || tpl.Body["url"] != "https://jiesu.example.edu.cn/survey/tok" {
		t.Errorf("template = %+v", tpl.Body)
	}
}

func TestSenderWithNothingLeftIsPermanent(t *testing.T) {
	t.Parallel()
	r := newSender(t, false, false)
	_, err := r.sender.Send(context.Background(), result())
	if !bot.IsPermanent(err) || !errors.Is(err, wechat.ErrNoMethod) || !strings.Contains(err.Error(), "45015") {
		t.Fatalf("err = %v", err)
	}
	if _, err := r.sender.Send(context.Background(), bot.Outbound{Address: bot.Address{Kind: bot.AddressGroup, IDs: []string{"g"}}}); !errors.Is(err, bot.ErrBadAddress) || !bot.IsPermanent(err) {
		t.Errorf("group address: %v", err)
	}
}

func TestTokenRefusedIsRenewedOnce(t *testing.T) {
	t.Parallel()
	r := newSender(t, false, true)
	ctx := context.Background()
	if _, err := r.api.Token(ctx); err != nil {
		t.Fatal(err)
	}
	// Another client renewed the token: ours answers 40001 once.
	r.fake.InvalidateTokens()
	r.last["oStudent"] = r.clock.Now().Add(-72 * time.Hour)
	res, err := r.sender.Send(ctx, result())
	if err != nil || res.Method != wechat.MethodTemplate {
		t.Fatalf("after an invalidated token: %+v, %v", res, err)
	}
	calls := r.fake.Calls(fakes.WeChatPathTemplate)
	if len(calls) != 2 || calls[0].ErrCode != fakes.FakeCodeInvalidToken || calls[1].ErrCode != 0 {
		t.Errorf("template calls = %+v", calls)
	}
	if n := len(r.fake.Calls(fakes.WeChatPathToken)); n != 2 {
		t.Errorf("%d token fetches, want 2", n)
	}
	// Refused twice in a row: no third try; the error is reported.
	r.fake.FailNext(fakes.WeChatPathTemplate, 40001, 40001)
	_, err = r.sender.Send(ctx, result())
	if tencent.ErrorCode(err) != 40001 {
		t.Errorf("twice refused: %v", err)
	}
	if n := len(r.fake.Calls(fakes.WeChatPathTemplate)); n != 4 {
		t.Errorf("%d template calls, want 4", n)
	}
}

func TestTransientErrorsAreRetryable(t *testing.T) {
	t.Parallel()
	r := newSender(t, false, true)
	r.last["oStudent"] = r.clock.Now().Add(-72 * time.Hour)
	r.fake.FailNext(fakes.WeChatPathTemplate, -1)
	_, err := r.sender.Send(context.Background(), result())
	if err == nil || bot.IsPermanent(err) || bot.ErrorCode(err) != "-1" {
		t.Errorf("system busy: %v", err)
	}
	r.fake.FailNext(fakes.WeChatPathTemplate, 45009)
	_, err = r.sender.Send(context.Background(), result())
	if bot.IsPermanent(err) || bot.RetryAfter(err) != time.Minute {
		t.Errorf("rate limit: %v", err)
	}
	r.fake.FailNext(fakes.WeChatPathTemplate, 43004)
	if _, err = r.sender.Send(context.Background(), result()); !bot.IsPermanent(err) {
		t.Errorf("unfollowed: %v", err)
	}
}

func TestMediaDownload(t *testing.T) {
	t.Parallel()
	r := newSender(t, false, false)
	r.fake.AddMedia("MEDIA1", "image/jpeg", []byte("\xff\xd8jpeg"))
	body, ctype, err := wechat.NewMedia(r.api).Fetch(context.Background(), bot.Media{ID: "MEDIA1"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(body)
	body.Close()
	if ctype != "image/jpeg" || string(b) != "\xff\xd8jpeg" {
		t.Errorf("media = %s %q", ctype, b)
	}
	if _, _, err := wechat.NewMedia(r.api).Fetch(context.Background(), bot.Media{ID: "NOPE"}); tencent.ErrorCode(err) != fakes.FakeCodeInvalidMedia {
		t.Errorf("missing media: %v", err)
	}
}
