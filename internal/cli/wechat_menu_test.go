package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/wechat"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/studentchat"
)

// wechat menu sync creates the menu whose keys the conversation answers,
// on the account's API, and the fake (which checks WeChat's limits) holds
// it afterwards.
func TestWeChatMenuSync(t *testing.T) {
	t.Parallel()
	fake := fakes.NewFakeWeChat(t, clock.Real{})
	env := map[string]string{
		"JIESU_DATA_DIR":                t.TempDir(),
		"JIESU_WECHAT_APP_ID":           fakes.FakeWeChatAppID,
		"JIESU_WECHAT_APP_SECRET":       fakes.FakeWeChatSecret,
		"JIESU_WECHAT_TOKEN":            fakes.FakeWeChatToken,
		"JIESU_WECHAT_ENCODING_AES_KEY": fakes.FakeWeChatAESKey,
		"JIESU_WECHAT_API_BASE":         fake.URL(),
	}
	code, out, errs := run(t, env, "wechat", "menu", "sync")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	menu := fake.Menu()
	if len(menu) != 3 {
		t.Fatalf("fake holds %d buttons, want 3: %+v", len(menu), menu)
	}
	var keys []string
	for _, b := range menu {
		if b.Type != "click" {
			t.Errorf("button %q: type %q, want click", b.Name, b.Type)
		}
		keys = append(keys, b.Key)
	}
	if strings.Join(keys, ",") != strings.Join(studentchat.MenuKeys(), ",") {
		t.Errorf("menu keys %v, want the conversation's %v", keys, studentchat.MenuKeys())
	}
	if !strings.Contains(out, "我要反映") || !strings.Contains(out, "created") {
		t.Errorf("output %q: want the buttons and a word that the menu was created", out)
	}
}

func TestWeChatMenuSyncNeedsTheChannel(t *testing.T) {
	t.Parallel()
	code, _, errs := run(t, map[string]string{"JIESU_DATA_DIR": t.TempDir()}, "wechat", "menu", "sync")
	if code != 1 || !strings.Contains(errs, "wechat.app_id") {
		t.Errorf("exit %d, stderr %q: want 1 naming wechat.app_id", code, errs)
	}
}

// The shipped menu passes WeChat's limits and names only keys the
// conversation answers.
func TestShippedWeChatMenu(t *testing.T) {
	t.Parallel()
	if _, err := wechatMenu(); err != nil {
		t.Fatal(err)
	}
}

// CheckMenu refuses what WeChat refuses, naming the button, before the
// account's menu is touched.
func TestCheckMenuRefuses(t *testing.T) {
	t.Parallel()
	click := func(name, key string) wechat.MenuButton {
		return wechat.MenuButton{Type: "click", Name: name, Key: key}
	}
	long := strings.Repeat("键", 43) // 129 bytes
	for _, tc := range []struct {
		name string
		menu []wechat.MenuButton
		want string
	}{
		{"empty", nil, "0 buttons"},
		{"four buttons", []wechat.MenuButton{click("一", "a"), click("二", "b"), click("三", "c"), click("四", "d")}, "4 buttons"},
		{"top name over 16 bytes", []wechat.MenuButton{click("我要反映诉求", "report")}, "name is 18 bytes"},
		{"no name", []wechat.MenuButton{click("", "report")}, "needs a name"},
		{"click without key", []wechat.MenuButton{click("反映", "")}, "needs a key"},
		{"key over 128 bytes", []wechat.MenuButton{click("反映", long)}, "needs a key"},
		{"view without url", []wechat.MenuButton{{Type: "view", Name: "主页"}}, "needs a url"},
		{"unknown type", []wechat.MenuButton{{Type: "<script>", Name: "反映", Key: "report"}}, `type "<script>"`},
		{"six sub-buttons", []wechat.MenuButton{{Name: "更多", SubButtons: []wechat.MenuButton{
			click("一", "a"), click("二", "b"), click("三", "c"), click("四", "d"), click("五", "e"), click("六", "f")}}}, "6 sub-buttons"},
		{"sub name over 60 bytes", []wechat.MenuButton{{Name: "更多", SubButtons: []wechat.MenuButton{click(strings.Repeat("长", 21), "a")}}}, "name is 63 bytes"},
		{"sub-menu with a key", []wechat.MenuButton{{Name: "更多", Key: "x", SubButtons: []wechat.MenuButton{click("一", "a")}}}, "takes no type"},
	} {
		err := wechat.CheckMenu(tc.menu)
		if !errors.Is(err, wechat.ErrBadMenu) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrBadMenu saying %q", tc.name, err, tc.want)
		}
	}
}
