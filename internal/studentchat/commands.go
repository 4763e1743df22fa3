package studentchat

import (
	"regexp"
	"strings"
	"unicode"
)

// commandKind is what a text message asks for.
type commandKind int

const (
	cmdContent    commandKind = iota // a complaint, or an addition to one
	cmdUnusable                      // nothing the bot can use: empty, a sticker's placeholder
	cmdHelp                          // 帮助
	cmdList                          // 查询
	cmdDetail                        // 查询 JS…
	cmdWithdraw                      // 撤回 JS… (number may be missing)
	cmdRate                          // a digit 1–5
	cmdAnonymous                     // 匿名
	cmdPhone                         // a mainland mobile number
	cmdSupplement                    // 补充, with or without text
)

// command is a parsed text message.
type command struct {
	kind   commandKind
	number string // case number of 查询/撤回
	digit  int    // 1–5 of a rating
	text   string // the content, or what follows 补充
	whole  string // a 补充 message as written, 补充 and all
	phone  string // the number as typed
}

// caseNumberPattern finds a case number as students type it: any case,
// spaces around the dash.
var caseNumberPattern = regexp.MustCompile(`(?i)JS\s*(\d{8})\s*[-－—]\s*(\d{4,6})`)

// unsupportedPlaceholder is what WeChat delivers as text for a custom
// sticker or another message it cannot forward.
const unsupportedPlaceholder = "【收到不支持的消息类型，暂无法显示】"

// wechatFace matches WeChat's face codes (/::), [微笑], [Smile]) that a
// sticker-only message is made of.
var wechatFace = regexp.MustCompile(`/:[^\s/]{1,8}|\[[^\[\]\s]{1,6}\]`)

// parse reads what a text message asks for. It never fails: what is not a
// command is content.
func parse(raw string, isMobile func(string) bool) command {
	// Commands match on the normalised form; content keeps what the
	// student wrote.
	orig := strings.TrimSpace(raw)
	t := strings.TrimSpace(normalizeWidth(raw))
	if !usable(t) {
		return command{kind: cmdUnusable}
	}
	switch strings.ToLower(t) {
	case "帮助", "help", "?", "菜单", "使用说明":
		return command{kind: cmdHelp}
	case "查询", "查询进度", "我的诉求":
		return command{kind: cmdList}
	case "匿名", "不留电话", "不方便":
		return command{kind: cmdAnonymous}
	case "补充":
		return command{kind: cmdSupplement}
	}
	if len(t) == 1 && t[0] >= '1' && t[0] <= '5' {
		return command{kind: cmdRate, digit: int(t[0] - '0')}
	}
	if rest, ok := cutPrefix(t, "查询"); ok {
		if n := caseNumber(rest); n != "" {
			return command{kind: cmdDetail, number: n}
		}
	}
	if rest, ok := cutPrefix(t, "撤回"); ok {
		if n := caseNumber(rest); n != "" || strings.TrimSpace(rest) == "" {
			return command{kind: cmdWithdraw, number: n}
		}
	}
	if rest, ok := cutPrefix(orig, "补充"); ok {
		rest = strings.TrimLeft(rest, " \t\u3000:：，,")
		return command{kind: cmdSupplement, text: strings.TrimSpace(rest), whole: orig}
	}
	if isMobile(t) {
		return command{kind: cmdPhone, phone: t}
	}
	return command{kind: cmdContent, text: orig}
}

func cutPrefix(s, prefix string) (string, bool) {
	if !strings.HasPrefix(s, prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

// caseNumber returns the case number in s in its canonical form
// (JS20261128-0042), or "".
func caseNumber(s string) string {
	m := caseNumberPattern.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return "JS" + m[1] + "-" + m[2]
}

// usable reports whether a (width-normalised) text says anything: not
// empty, not WeChat's placeholder for a sticker, not only face codes and
// punctuation.
func usable(t string) bool {
	if t == "" || strings.Contains(t, normalizeWidth(unsupportedPlaceholder)) {
		return false
	}
	rest := wechatFace.ReplaceAllString(t, "")
	return strings.IndexFunc(rest, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// normalizeWidth maps full-width ASCII (a Chinese input method's １, ？, Ｊ)
// and the ideographic space to plain ASCII, so that commands read alike
// however they were typed.
func normalizeWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}
