package config

import (
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Channel defaults.
const (
	DefaultWeChatAPIBase      = "https://api.weixin.qq.com"
	DefaultWeChatPath         = "/wechat/oa"
	DefaultWeChatReplayWindow = 5 * time.Minute
	DefaultSupplementWindow   = 10 * time.Minute
	DefaultWeComAPIBase       = "https://qyapi.weixin.qq.com"
	DefaultWeComPath          = "/wecom/callback"
	DefaultWeComOAuthBase     = "https://open.weixin.qq.com"
	DefaultWeComReplayWindow  = 5 * time.Minute
)

// WeChat is the Official Account students write to (wechat.*). With no
// app id the channel is off and the service still starts.
type WeChat struct {
	// AppID of the Official Account (wechat.app_id). Empty: channel off.
	AppID string `yaml:"app_id"`
	// AppSecret fetches access tokens (wechat.app_secret).
	AppSecret string `yaml:"app_secret" secret:"true"`
	// Token signs callbacks (wechat.token).
	Token string `yaml:"token" secret:"true"`
	// EncodingAESKey is the 43-character message key (wechat.encoding_aes_key).
	// Required unless AllowPlaintext is set.
	EncodingAESKey string `yaml:"encoding_aes_key" secret:"true"`
	// AllowPlaintext lets the channel run without EncodingAESKey, in
	// WeChat's plaintext mode (wechat.allow_plaintext), for testing only:
	// there the signature covers the URL and not the body, so a captured
	// callback URL carries any message. Default false.
	AllowPlaintext bool `yaml:"allow_plaintext"`
	// APIBase replaces https://api.weixin.qq.com for every API call
	// (wechat.api_base): tests and private gateways.
	APIBase string `yaml:"api_base"`
	// Path is where the callback is served (wechat.path). Default /wechat/oa.
	Path string `yaml:"path"`
	// ReplayWindow refuses callbacks whose timestamp is further than this
	// from now (wechat.replay_window). Default 5m.
	ReplayWindow time.Duration `yaml:"replay_window"`
	// SupplementWindow: a message within this time of the student's last
	// open case is added to it (wechat.supplement_window). Default 10m.
	SupplementWindow time.Duration `yaml:"supplement_window"`
	// SubscribeTemplateID is the one-time subscribe message (订阅通知) used
	// when the 48-hour customer-service window is closed.
	SubscribeTemplateID string `yaml:"subscribe_template_id"`
	// TemplateID is the template message used when neither of the others can.
	TemplateID string `yaml:"template_id"`
	// SubscribeFields fill the subscribe message's keys (wechat.subscribe_fields),
	// each "key=part" with part one of number (the case number), title
	// (the message's first line), text (its second line) or time (when it
	// is sent). The keys are those of the template chosen in the WeChat
	// admin console.
	// Default DefaultWeChatFields. See wechat.go.
	SubscribeFields []string `yaml:"subscribe_fields"`
	// TemplateFields fill the template message's keys (wechat.template_fields),
	// in the same form. Default DefaultWeChatFields.
	TemplateFields []string `yaml:"template_fields"`
	// APITimeout bounds each call to the WeChat API (wechat.api_timeout).
	// Default 5s.
	APITimeout time.Duration `yaml:"api_timeout"`
	// MaxBodyBytes caps a callback's body (wechat.max_body_bytes); WeChat's
	// messages are a few KiB, a long letter tens. Default 256 KiB.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// AttachmentsDir holds the images students send (wechat.attachments_dir).
	// Empty: <server.data_dir>/attachments.
	AttachmentsDir string `yaml:"attachments_dir"`
}

// AttachmentsDir is where students' images are kept: wechat.attachments_dir,
// or <server.data_dir>/attachments when that is empty. It is derived when
// asked, not at load, because callers may set the data directory later.
func (c *Config) AttachmentsDir() string {
	if c.WeChat.AttachmentsDir != "" {
		return c.WeChat.AttachmentsDir
	}
	return filepath.Join(c.Server.DataDir, "attachments")
}

// Enabled reports whether the Official Account channel is configured.
func (w WeChat) Enabled() bool { return w.AppID != "" }

// WeCom is the self-built app units work in (wecom.*). With no corp id the
// platform is off.
type WeCom struct {
	CorpID         string `yaml:"corp_id"`
	AgentID        int64  `yaml:"agent_id"`
	Secret         string `yaml:"secret" secret:"true"`
	Token          string `yaml:"token" secret:"true"`
	EncodingAESKey string `yaml:"encoding_aes_key" secret:"true"`
	// APIBase replaces https://qyapi.weixin.qq.com (wecom.api_base): private
	// deployments and 政务微信 use other hosts.
	APIBase string `yaml:"api_base"`
	// Path is where the app callback is served (wecom.path). Default
	// /wecom/callback.
	Path string `yaml:"path"`
	// OAuthBase replaces https://open.weixin.qq.com, the host of the OAuth
	// page the case page sends members through (wecom.oauth_base).
	OAuthBase string `yaml:"oauth_base"`
	// ReplayWindow refuses callbacks whose timestamp is further than this
	// from now (wecom.replay_window). Default 5m.
	ReplayWindow time.Duration `yaml:"replay_window"`
}

// Enabled reports whether the WeCom platform is configured.
func (w WeCom) Enabled() bool { return w.CorpID != "" }

func (c *Config) channelDefaults() {
	setStr(&c.WeChat.APIBase, DefaultWeChatAPIBase)
	setStr(&c.WeChat.Path, DefaultWeChatPath)
	setNum(&c.WeChat.ReplayWindow, DefaultWeChatReplayWindow)
	setNum(&c.WeChat.SupplementWindow, DefaultSupplementWindow)
	c.weChatDefaults()
	setStr(&c.WeCom.APIBase, DefaultWeComAPIBase)
	setStr(&c.WeCom.Path, DefaultWeComPath)
	setStr(&c.WeCom.OAuthBase, DefaultWeComOAuthBase)
	setNum(&c.WeCom.ReplayWindow, DefaultWeComReplayWindow)
}

func (c *Config) validateChannels(ps *problems) {
	checkBase := func(key, v string) {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			ps.add(key, "%q is not an http(s) URL", v)
		}
	}
	checkPath := func(key, v string) {
		if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "/api/") {
			ps.add(key, "%q: want an absolute path outside /api/", v)
		}
	}
	checkBase("wechat.api_base", c.WeChat.APIBase)
	checkBase("wecom.api_base", c.WeCom.APIBase)
	checkBase("wecom.oauth_base", c.WeCom.OAuthBase)
	checkPath("wechat.path", c.WeChat.Path)
	checkPath("wecom.path", c.WeCom.Path)
	if w := c.WeChat; w.Enabled() {
		if w.AppSecret == "" {
			ps.add("wechat.app_secret", "required when wechat.app_id is set")
		}
		if w.Token == "" {
			ps.add("wechat.token", "required when wechat.app_id is set")
		}
		if k := w.EncodingAESKey; k != "" && len(k) != 43 {
			ps.add("wechat.encoding_aes_key", "is %d characters, want 43", len(k))
		}
		if w.EncodingAESKey == "" && !w.AllowPlaintext {
			ps.add("wechat.encoding_aes_key", "required when wechat.app_id is set: in plaintext mode the signature does not cover the message "+
				"(set wechat.allow_plaintext: true to run so for testing)")
		}
	}
	if w := c.WeCom; w.Enabled() {
		for key, v := range map[string]string{"wecom.secret": w.Secret, "wecom.token": w.Token, "wecom.encoding_aes_key": w.EncodingAESKey} {
			if v == "" {
				ps.add(key, "required when wecom.corp_id is set")
			}
		}
		if w.AgentID <= 0 {
			ps.add("wecom.agent_id", "required when wecom.corp_id is set")
		}
		if k := w.EncodingAESKey; k != "" && len(k) != 43 {
			ps.add("wecom.encoding_aes_key", "is %d characters, want 43", len(k))
		}
	}
	// A zero in the file is the default; only a variable can make one, and
	// an unchecked timestamp would let any captured callback be replayed.
	for key, d := range map[string]time.Duration{"wechat.replay_window": c.WeChat.ReplayWindow, "wecom.replay_window": c.WeCom.ReplayWindow} {
		if d <= 0 {
			ps.add(key, "must be more than 0")
		}
	}
	// Students are told it in minutes (templates/student).
	if c.WeChat.SupplementWindow < time.Minute {
		ps.add("wechat.supplement_window", "%v: want a minute or more", c.WeChat.SupplementWindow)
	}
	c.validateWeChat(ps)
	c.validateWeComUnits(ps)
}
