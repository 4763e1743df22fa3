package config

import (
	"testing"
	"time"
)

func TestWeComUnitLists(t *testing.T) {
	t.Parallel()
	c := example(t)
	withWeCom(c)
	li := unitIndex(t, c, "logistics")
	c.Units[li].Chat = UnitChat{Platform: PlatformWeCom, RobotKey: "k", Departments: []string{"12"}, Tags: []string{"3"}}
	if err := c.Validate(); err != nil {
		t.Fatalf("valid departments and tags refused:\n%v", err)
	}
	if !c.Units[li].HandlerLists() || c.Units[li].ChatGroup() != "logistics" {
		t.Errorf("HandlerLists %v, ChatGroup %q", c.Units[li].HandlerLists(), c.Units[li].ChatGroup())
	}
	c.Units[li].Chat.Group = "wr-logistics"
	if got := c.Units[li].ChatGroup(); got != "wr-logistics" {
		t.Errorf("ChatGroup = %q, want the configured group", got)
	}

	c.Units[li].Chat.Departments = []string{"12", "后勤"}
	c.Units[li].Chat.Tags = []string{"0"}
	wantErr(t, c.Validate(), `units.logistics.chat.departments[1]: "后勤": want a WeCom id`, `chat.tags[0]: "0"`)

	c = example(t)
	c.Units[li].Chat.Departments = []string{"12"} // platform log
	wantErr(t, c.Validate(), "departments and tags need platform wecom or dingtalk")
}

func TestWeComDefaults(t *testing.T) {
	t.Parallel()
	c := example(t)
	if c.WeCom.OAuthBase != DefaultWeComOAuthBase || c.WeCom.ReplayWindow != 5*time.Minute {
		t.Errorf("defaults: oauth_base %q, replay_window %v", c.WeCom.OAuthBase, c.WeCom.ReplayWindow)
	}
	c.WeCom.OAuthBase = "open.example"
	wantErr(t, c.Validate(), `wecom.oauth_base: "open.example" is not an http(s) URL`)
}
