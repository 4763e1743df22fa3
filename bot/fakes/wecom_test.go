package fakes_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/wecom"
	"github.com/jiesu/jiesu/internal/clock"
)

// call posts body to the fake's api with a fresh token and returns its
// errcode and answer.
func call(t *testing.T, f *fakes.FakeWeCom, api string, body any) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(f.URL() + "/cgi-bin/gettoken?corpid=" + fakes.FakeWeComCorpID + "&corpsecret=" + fakes.FakeWeComSecret)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	b, _ := json.Marshal(body)
	resp, err = http.Post(f.URL()+"/cgi-bin/"+api+"?access_token="+tok.AccessToken, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	code, _ := out["errcode"].(float64)
	return int(code), out
}

func card(task string, keys ...string) wecom.AppMessage {
	c := &wecom.TemplateCard{CardType: wecom.CardButtonInteraction, TaskID: task, MainTitle: wecom.CardTitle{Title: "新诉求"}}
	for _, k := range keys {
		c.ButtonList = append(c.ButtonList, wecom.CardButton{Text: "接单", Key: k})
	}
	return wecom.AppMessage{ToUser: "LiSi", MsgType: wecom.MsgTemplateCard, AgentID: fakes.FakeWeComAgentID, TemplateCard: c}
}

func TestFakeWeComEnforcesTheRules(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC))
	f := fakes.NewFakeWeCom(t, clk)
	f.AddUser("LiSi", "李四", 1)
	for _, tc := range []struct {
		name string
		msg  wecom.AppMessage
		want int
	}{
		{"no task id", card("", "a"), 42014},
		{"bad task id", card("中文", "a"), 42014},
		{"no buttons", card("t0"), fakes.FakeCodeBadParam},
		{"seven buttons", card("t1", "a", "b", "c", "d", "e", "f", "g"), fakes.FakeCodeBadParam},
		{"duplicate keys", card("t2", "a", "a"), fakes.FakeCodeDuplicateKey},
		{"nobody", func() wecom.AppMessage { m := card("t3", "a"); m.ToUser = "Ghost"; return m }(), 81013},
		{"wrong agent", func() wecom.AppMessage { m := card("t4", "a"); m.AgentID = 1; return m }(), 40056},
		{"a good card", card("t5", "a"), 0},
		{"task id reused", card("t5", "a"), 42014},
		{"text over limit", wecom.AppMessage{ToUser: "LiSi", MsgType: wecom.MsgText, AgentID: fakes.FakeWeComAgentID, Text: &wecom.Text{Content: string(make([]byte, 2049))}}, fakes.FakeCodeBadParam},
	} {
		if code, _ := call(t, f, "message/send", tc.msg); code != tc.want {
			t.Errorf("%s: errcode %d, want %d", tc.name, code, tc.want)
		}
	}

	// A response code updates once, within 72 hours.
	code, out := call(t, f, "message/send", card("t6", "a"))
	if code != 0 {
		t.Fatal(code)
	}
	rc, _ := out["response_code"].(string)
	update := wecom.UpdateCard{AtAll: 1, AgentID: fakes.FakeWeComAgentID, ResponseCode: rc, Button: &wecom.UpdateButton{ReplaceName: "已接单"}}
	if code, _ := call(t, f, "message/update_template_card", update); code != 0 {
		t.Fatalf("first update: %d", code)
	}
	if c, _ := f.Card("t6"); c.Replaced["LiSi"] != "已接单" {
		t.Errorf("copy = %q", c.Replaced["LiSi"])
	}
	if code, _ := call(t, f, "message/update_template_card", update); code != fakes.FakeCodeBadResponseCode {
		t.Errorf("reused code: %d", code)
	}
	_, out = call(t, f, "message/send", card("t7", "a"))
	update.ResponseCode, _ = out["response_code"].(string)
	clk.Advance(72 * time.Hour)
	if code, _ := call(t, f, "message/update_template_card", update); code != fakes.FakeCodeBadResponseCode {
		t.Errorf("expired code: %d", code)
	}
	if n := len(f.Calls("message/update_template_card")); n != 3 {
		t.Errorf("%d update calls recorded, want 3", n)
	}
}

func TestFakeWeComDropsOverThirtyAMinute(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC))
	f := fakes.NewFakeWeCom(t, clk)
	f.AddUser("LiSi", "李四", 1)
	for range 31 {
		msg := wecom.AppMessage{ToUser: "LiSi", MsgType: wecom.MsgText, AgentID: fakes.FakeWeComAgentID, Text: &wecom.Text{Content: "x"}}
		if code, _ := call(t, f, "message/send", msg); code != 0 {
			t.Fatalf("errcode %d: WeCom does not refuse, it drops", code)
		}
	}
	got := f.Received("LiSi")
	if len(got) != 31 || got[29].Dropped || !got[30].Dropped {
		t.Fatalf("the 31st in a minute must be dropped silently: %d deliveries", len(got))
	}
}
