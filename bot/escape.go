package bot

import "strings"

// Escaper makes text inert in one output format: what a complainant or a
// unit wrote shows as the characters they typed and never as a link, a
// heading, a mention or a font. Each platform keeps the escapers of its
// formats beside its layout (bot/wecom/escape.go, bot/wechat/escape.go);
// a new format is one more NewEscaper there. Every text of a Message goes
// through its format's escaper when the platform lays it out; jiesu's own
// links travel apart (Message.Link, Button.URL, Message.Links) and are the
// only links a message has.
type Escaper struct {
	replace *strings.Replacer
}

// NewEscaper escapes by replacing each old string with its new one
// (old, new, old, new…), for the characters the format reads as markup.
// Platforms that document no escape character get look-alikes: a
// full-width ［ reads like [ but opens no link.
func NewEscaper(oldnew ...string) Escaper {
	return Escaper{replace: strings.NewReplacer(append(oldnew, defanged()...)...)}
}

// defanged breaks every address a client could turn into a link by
// itself, in every format: only jiesu's own links may be links. Link
// detectors ignore case, so every spelling of www. is broken.
func defanged() []string {
	out := []string{"://", "：//"}
	for i := range 8 {
		w := []byte("www")
		for j := range w {
			if i&(1<<j) != 0 {
				w[j] = 'W'
			}
		}
		out = append(out, string(w)+".", string(w)+"．")
	}
	return out
}

// Escape returns s inert in the escaper's format. Each of own (jiesu's
// links that the text quotes, Message.Links) stays as it is wherever it
// occurs whole, so the platform can still make it a link.
func (e Escaper) Escape(s string, own []string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	for s != "" {
		at, link := firstOf(s, own)
		if at < 0 {
			b.WriteString(e.replace.Replace(s))
			break
		}
		b.WriteString(e.replace.Replace(s[:at]))
		b.WriteString(link)
		s = s[at+len(link):]
	}
	return b.String()
}

// firstOf finds the earliest of links in s, the longest at a tie; -1 when
// none occurs.
func firstOf(s string, links []string) (int, string) {
	at, found := -1, ""
	for _, l := range links {
		if l == "" {
			continue
		}
		i := strings.Index(s, l)
		if i >= 0 && (at < 0 || i < at || i == at && len(l) > len(found)) {
			at, found = i, l
		}
	}
	return at, found
}

// AnchorText is the escaper of text messages whose clients open
// <a href="…">…</a> as a link: WeChat's customer-service and passive
// replies, and WeCom's app text and passive replies.
var AnchorText = NewEscaper("<", "＜", ">", "＞", "&", "＆")
