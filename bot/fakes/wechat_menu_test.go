package fakes

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/clock"
)

// The fake refuses a menu as WeChat does, with WeChat's errcodes, and
// keeps the menu it accepted.
func TestFakeWeChatMenuLimits(t *testing.T) {
	t.Parallel()
	f := NewFakeWeChat(t, clock.Real{})
	q := url.Values{"grant_type": {"client_credential"}, "appid": {FakeWeChatAppID}, "secret": {FakeWeChatSecret}}
	resp, err := http.Get(f.URL() + WeChatPathToken + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v %+v", err, tok)
	}
	resp.Body.Close()
	path := WeChatPathMenu + "?access_token=" + tok.AccessToken
	click := func(name, key string) map[string]any {
		return map[string]any{"type": "click", "name": name, "key": key}
	}
	for _, tc := range []struct {
		name    string
		buttons []any
		code    int64
	}{
		{"four buttons", []any{click("一", "a"), click("二", "b"), click("三", "c"), click("四", "d")}, FakeCodeMenuButtons},
		{"name of 18 bytes", []any{click("我要反映诉求", "a")}, FakeCodeMenuName},
		{"no key", []any{click("反映", "")}, FakeCodeMenuKey},
		{"bad type", []any{map[string]any{"type": "push", "name": "反映", "key": "a"}}, FakeCodeMenuType},
		{"view without url", []any{map[string]any{"type": "view", "name": "主页"}}, FakeCodeMenuURL},
		{"six sub-buttons", []any{map[string]any{"name": "更多", "sub_button": []any{click("1", "a"), click("2", "b"), click("3", "c"), click("4", "d"), click("5", "e"), click("6", "f")}}}, FakeCodeMenuSubButtons},
		{"sub name of 63 bytes", []any{map[string]any{"name": "更多", "sub_button": []any{click(strings.Repeat("长", 21), "a")}}}, FakeCodeMenuSubName},
	} {
		if got := code(post(t, f.URL()+path, map[string]any{"button": tc.buttons})); got != tc.code {
			t.Errorf("%s: errcode %v, want %v", tc.name, got, tc.code)
		}
	}
	if len(f.Menu()) != 0 {
		t.Fatalf("a refused menu was kept: %+v", f.Menu())
	}
	ok := post(t, f.URL()+path, map[string]any{"button": []any{click("我要反映", "report"), map[string]any{"name": "更多", "sub_button": []any{click("使用帮助", "help")}}}})
	if code(ok) != 0 {
		t.Fatalf("a valid menu: %v", ok)
	}
	if m := f.Menu(); len(m) != 2 || m[0].Key != "report" || len(m[1].Sub) != 1 || m[1].Sub[0].Key != "help" {
		t.Errorf("menu kept = %+v", m)
	}
}
