package wechat_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/wechat"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
)

// hostileResult is a result after the window closed, written the way a
// unit's staff may write it: markup, a link, a mention, control
// characters, a phone number with dashes and spaces, and far too long.
func hostileResult() bot.Outbound {
	out := result()
	res := "已更换<b>供水阀门</b>@所有人\x00\u200b 详见 https://evil.example/x?a=1 联系 010-8079 1234；" + strings.Repeat("后续每周巡检一次，", 40)
	out.Message.Title = "您的诉求已办结（JS20261128-0042）"
	out.Message.Text = "办理单位：后勤管理处\n办理结果：" + res
	out.Message.Fields = []bot.Field{{Label: "办理单位", Value: "后勤管理处"}, {Label: "办理结果", Value: res}}
	return out
}

func subscribeRig(t *testing.T, fields map[string]string) (*fakes.FakeWeChat, *wechat.Sender) {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
	fake := fakes.NewFakeWeChat(t, clk)
	cfg := testConfig()
	cfg.APIBase = fake.URL()
	cfg.SubscribeTemplateID, cfg.TemplateID = "SUB-TPL", "MSG-TPL"
	cfg.SubscribeFields, cfg.TemplateFields = fields, fields
	closed := wechat.WindowsFunc(func(context.Context, string) (time.Time, bool, error) {
		return clk.Now().Add(-72 * time.Hour), true, nil
	})
	return fake, wechat.NewSender(cfg, wechat.NewAPI(cfg, cache.NewMemory(clk), nil), closed, clk, nil)
}

func TestSubscribeMessageCarriesTheResultWithinItsFields(t *testing.T) {
	t.Parallel()
	fields := map[string]string{"character_string1": "number", "thing2": "title", "thing3": "field:办理结果",
		"thing4": "field:办理结果", "time5": "time"}
	fake, sender := subscribeRig(t, fields)
	fake.GrantSubscription("oStudent", "SUB-TPL")
	res, err := sender.Send(context.Background(), hostileResult())
	if err != nil || res.Method != wechat.MethodSubscribe {
		t.Fatalf("after the window: %+v, %v", res, err)
	}
	sub := fake.Delivered("oStudent")[0]
	if got := sub.Data("character_string1"); got != "JS20261128-0042" {
		t.Errorf("number = %q, want it whole", got)
	}
	if got := sub.Data("thing2"); got != "您的诉求已办结" {
		t.Errorf("title = %q", got)
	}
	// The result runs on from thing3 into thing4, and thing4 says it goes on.
	r3, r4 := sub.Data("thing3"), sub.Data("thing4")
	if r3 != "已更换<b>供水阀门</b>@所有人 详" || !strings.HasPrefix(r4, "见 https://evil.e") || !strings.HasSuffix(r4, "…") {
		t.Errorf("result = %q + %q", r3, r4)
	}
	if got := sub.Data("time5"); got != "2026-11-28 17:00" {
		t.Errorf("time = %q", got)
	}
	if sub.Body["page"] != "https://jiesu.example.edu.cn/survey/tok" {
		t.Errorf("page = %v, want the survey page with the whole result", sub.Body["page"])
	}
	if _, ok := sub.Body["miniprogram"]; ok {
		t.Errorf("sent a miniprogram object: %v", sub.Body["miniprogram"])
	}
}

// A template whose keys take parts their type cannot show still goes:
// each value keeps what its type allows, and an empty one a placeholder.
func TestTemplateMessageKeepsEachTypesCharacters(t *testing.T) {
	t.Parallel()
	fields := map[string]string{"character_string1": "title", "number2": "number", "thing3": "field:不存在", "phrase4": "text"}
	fake, sender := subscribeRig(t, fields)
	res, err := sender.Send(context.Background(), hostileResult())
	if err != nil || res.Method != wechat.MethodTemplate {
		t.Fatalf("template: %+v, %v", res, err)
	}
	tpl := fake.Delivered("oStudent")[0]
	want := map[string]string{"character_string1": "-", "number2": "202611280042", "thing3": "办理单位：后勤管理处", "phrase4": "办理单位后"}
	for k, v := range want {
		if got := tpl.Data(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, ok := tpl.Body["miniprogram"]; ok {
		t.Errorf("sent a miniprogram object: %v", tpl.Body["miniprogram"])
	}
}
