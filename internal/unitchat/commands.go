package unitchat

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
)

// request is one thing a member asks of a case, from a button, a typed
// command or the case page.
type request struct {
	action cases.Action
	number string
	text   string // result, reason, report or note, as the action reads it
	until  string // request_extension: as typed, read against the case
	card   bool   // pressed on a card: the reply becomes the button's text
	digest bool   // pressed on a digest card, which nothing updates later
}

// help is a request for the list of commands.
const help cases.Action = "help"

// verbs are the words members type before a case number, each the action
// it asks for. They are the input syntax, listed to members by the help
// reply (templates/messages/unit_reply.tmpl); longer words come first so
// that 申请延期 is not read as 延期.
var verbs = []struct {
	word   string
	action cases.Action
}{
	{"协办接单", cases.ActionCoAccept},
	{"申请延期", cases.ActionRequestExtension},
	{"已联系", cases.ActionContact},
	{"接单", cases.ActionAccept},
	{"签收", cases.ActionAccept},
	{"联系", cases.ActionContact},
	{"办结", cases.ActionResolve},
	{"退回", cases.ActionReturn},
	{"退单", cases.ActionReturn},
	{"延期", cases.ActionRequestExtension},
	{"报送", cases.ActionCoReport},
}

// numberPattern finds a case number, in any case of its letters.
var numberPattern = regexp.MustCompile(`(?i)\bJS\d{8}-\d{4,}\b`)

// parseCommand reads "办结 JS20261128-0042 已更换灯管" and its variants
// (full-width spaces, no space, a colon after the verb, the number in
// lower case). Text that is no command asks for help. What the text rule
// refuses is dropped first (cases.CleanText): a member's phone may send
// it, and they cannot see it to fix it.
func parseCommand(s string) request {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, cases.CleanText(s)))
	var r request
	for _, v := range verbs {
		if strings.HasPrefix(s, v.word) {
			r.action = v.action
			s = strings.TrimSpace(strings.TrimLeft(s[len(v.word):], "：: "))
			break
		}
	}
	if loc := numberPattern.FindStringIndex(s); loc != nil {
		r.number = strings.ToUpper(s[loc[0]:loc[1]])
		s = strings.TrimSpace(s[:loc[0]] + " " + s[loc[1]:])
	}
	if r.action == "" || r.number == "" {
		return request{action: help}
	}
	if r.action == cases.ActionRequestExtension {
		r.until, s = cutUntil(s)
	}
	r.text = strings.Join(strings.Fields(s), " ")
	return r
}

// cutUntil takes the new deadline from the front of an extension request:
// a date (2026-12-05, 12-05, optionally with 18:00) or a span (3天, 48小时).
func cutUntil(s string) (until, rest string) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return "", ""
	}
	n := 1
	if len(f) > 1 && strings.Contains(f[1], ":") {
		n = 2
	}
	if _, ok := parseUntil(strings.Join(f[:n], " "), time.Time{}, time.Time{}); ok {
		return strings.Join(f[:n], " "), strings.Join(f[n:], " ")
	}
	return "", s
}

// parseUntil reads an extension's new deadline in Shanghai time: a date
// means the end of that day, a span counts from the current deadline, and
// a date without a year is in the year of now.
func parseUntil(s string, resolveBy, now time.Time) (time.Time, bool) {
	loc := cases.Shanghai()
	s = strings.TrimSpace(s)
	for _, span := range []struct {
		unit string
		d    time.Duration
	}{{"天", 24 * time.Hour}, {"日", 24 * time.Hour}, {"小时", time.Hour}} {
		if num, ok := strings.CutSuffix(s, span.unit); ok {
			n, err := strconv.Atoi(strings.TrimSpace(num))
			if err != nil {
				continue // 12月5日 is a date
			}
			if n <= 0 || n > 365 {
				return time.Time{}, false
			}
			return resolveBy.Add(time.Duration(n) * span.d), true
		}
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02", "2006/01/02", "01-02 15:04", "01-02", "1月2日"} {
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			continue
		}
		if !strings.Contains(layout, "2006") {
			t = t.AddDate(now.In(loc).Year(), 0, 0)
		}
		if !strings.Contains(layout, "15:04") {
			t = t.Add(24*time.Hour - time.Minute) // 23:59 of the day
		}
		return t, true
	}
	return time.Time{}, false
}

// actionRequest reads a button press.
func actionRequest(a *bot.Action) request {
	return request{action: cases.Action(a.Name), number: strings.ToUpper(a.CaseNumber), card: true, digest: a.Digest}
}
