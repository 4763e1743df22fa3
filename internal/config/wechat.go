package config

import (
	"strings"
	"time"
)

// WeChat defaults beyond those in channels.go.
const (
	DefaultWeChatAPITimeout = 5 * time.Second
	// DefaultWeChatMaxBodyBytes lets a letter far past the longest
	// complaint (cases.MaxContentLength) reach the conversation, which
	// tells the student it is too long, instead of being cut off at the
	// door without a word: 40,000 four-byte characters, encrypted.
	DefaultWeChatMaxBodyBytes = 256 << 10
)

// WeChatFieldParts are the parts of a message that subscribe and template
// message keys can carry; WeChatFieldPrefix and a label name a field of
// the message (a line 标签：值 of its template) as one more.
var WeChatFieldParts = []string{"number", "title", "text", "time"}

// WeChatFieldPrefix starts a part that names a field by its label.
const WeChatFieldPrefix = "field:"

// DefaultWeChatFields fit the common 工单进度 templates: case number, what
// happened, the result (the 办理结果 line of case_result; the first line of
// the text in messages without one), and when.
func DefaultWeChatFields() []string {
	return []string{"character_string1=number", "thing2=title", "thing3=" + WeChatFieldPrefix + "办理结果", "time4=time"}
}

func (c *Config) weChatDefaults() {
	setNum(&c.WeChat.APITimeout, DefaultWeChatAPITimeout)
	setNum(&c.WeChat.MaxBodyBytes, DefaultWeChatMaxBodyBytes)
	if c.WeChat.SubscribeFields == nil {
		c.WeChat.SubscribeFields = DefaultWeChatFields()
	}
	if c.WeChat.TemplateFields == nil {
		c.WeChat.TemplateFields = DefaultWeChatFields()
	}
}

// ParseWeChatFields reads "key=part" entries into key → part.
func ParseWeChatFields(entries []string) (map[string]string, bool) {
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		k, part, ok := strings.Cut(strings.TrimSpace(e), "=")
		k, part = strings.TrimSpace(k), strings.TrimSpace(part)
		if !ok || k == "" || !validPart(part) {
			return nil, false
		}
		out[k] = part
	}
	return out, true
}

func validPart(p string) bool {
	if label, ok := strings.CutPrefix(p, WeChatFieldPrefix); ok {
		return strings.TrimSpace(label) != ""
	}
	for _, v := range WeChatFieldParts {
		if v == p {
			return true
		}
	}
	return false
}

func (c *Config) validateWeChat(ps *problems) {
	w := c.WeChat
	if w.APITimeout <= 0 || w.APITimeout > 30*time.Second {
		ps.add("wechat.api_timeout", "%s: want more than 0 and at most 30s", w.APITimeout)
	}
	if w.MaxBodyBytes < 1024 {
		ps.add("wechat.max_body_bytes", "%d: want at least 1024", w.MaxBodyBytes)
	}
	for key, entries := range map[string][]string{"wechat.subscribe_fields": w.SubscribeFields, "wechat.template_fields": w.TemplateFields} {
		if _, ok := ParseWeChatFields(entries); !ok {
			ps.add(key, "want key=part entries, part one of %s or %s<label>", strings.Join(WeChatFieldParts, ", "), WeChatFieldPrefix)
		}
	}
}
