package config

import (
	"slices"
	"testing"
	"time"
)

func TestWeChatDefaultsAndPolicy(t *testing.T) {
	t.Parallel()
	c := example(t)
	w := c.WeChat
	if w.Enabled() || w.APITimeout != DefaultWeChatAPITimeout || w.MaxBodyBytes != DefaultWeChatMaxBodyBytes ||
		!slices.Equal(w.SubscribeFields, DefaultWeChatFields()) || w.SupplementWindow != 10*time.Minute {
		t.Errorf("wechat defaults = %+v", w)
	}
	if got := c.Policy().SurveyDelay; got != DefaultSurveyDelay {
		t.Errorf("policy survey delay = %s", got)
	}
	fields, ok := ParseWeChatFields([]string{"thing2 = title", "time4=time"})
	if !ok || fields["thing2"] != "title" || fields["time4"] != "time" {
		t.Errorf("ParseWeChatFields = %v %v", fields, ok)
	}
}

func TestWeChatFromEnvironment(t *testing.T) {
	t.Parallel()
	c, err := Load("", env(map[string]string{
		"JIESU_WECHAT_APP_ID": "wx2c2769f8efd9abc2", "JIESU_WECHAT_APP_SECRET": "s", "JIESU_WECHAT_TOKEN": "spamtest",
		"JIESU_WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
		"JIESU_WECHAT_SUBSCRIBE_FIELDS": "thing1=title,character_string2=number", "JIESU_SURVEY_DELAY": "36h",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.WeChat.Enabled() || c.WeChat.Token != "spamtest" || !slices.Equal(c.WeChat.SubscribeFields, []string{"thing1=title", "character_string2=number"}) {
		t.Errorf("wechat = %+v", c.WeChat)
	}
	if c.Policy().SurveyDelay != 36*time.Hour {
		t.Errorf("survey delay = %s", c.Policy().SurveyDelay)
	}
}

func TestWeChatValidation(t *testing.T) {
	t.Parallel()
	for key, set := range map[string]func(*Config){
		"wechat.subscribe_fields": func(c *Config) { c.WeChat.SubscribeFields = []string{"thing1=colour"} },
		"wechat.template_fields":  func(c *Config) { c.WeChat.TemplateFields = []string{"=title"} },
		"wechat.api_timeout":      func(c *Config) { c.WeChat.APITimeout = time.Minute },
		"wechat.max_body_bytes":   func(c *Config) { c.WeChat.MaxBodyBytes = 10 },
		"survey.delay":            func(c *Config) { c.Survey.Delay = 49 * time.Hour },
	} {
		c := example(t)
		set(c)
		if keys := problemKeys(c.Validate()); !slices.Contains(keys, key) {
			t.Errorf("%s: problems %v", key, keys)
		}
	}
}
