package wecom

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/jiesu/jiesu/bot"
)

// How a bot.Message is laid out on WeCom. The words come from the message
// (rendered from templates/); this file only arranges them, each text
// through the escaper of the format it lands in (escape.go).

// keySelected is the key of a digest card's one button: the case and the
// action come from the option picked in the card's selection.
const keySelected = "selected"

// questionCase is the question key of a digest card's selection.
const questionCase = "case"

// Display lengths WeCom recommends (doc 90236); longer text is cut.
const (
	titleRunes    = 26
	subTitleRunes = 80
	keyNameRunes  = 8
	valueRunes    = 26
	buttonRunes   = 12
	optionRunes   = 20
)

// taskID names a card for WeCom, which refuses an id the app saw before
// (42014) from whichever database sent it. The same message (dedup key
// and part) of one installation always gets the same id, so a retried
// send that already went through is answered 42014 instead of reaching
// anyone twice; another installation's message never gets it, however
// alike its case number and database ids.
func taskID(installation, caseNumber, dedupKey, part string) string {
	sum := sha256.Sum256([]byte(installation + "|" + dedupKey + "|" + part))
	prefix := "card"
	if caseNumber != "" && validTaskChars(caseNumber) {
		prefix = caseNumber
	}
	return prefix + "_" + hex.EncodeToString(sum[:10])
}

func validTaskChars(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '-' || r == '@') {
			return false
		}
	}
	return true
}

// card lays out one case's message as a button_interaction card: fields
// as rows in the template's order, then links in the rows left, callback
// actions as buttons keyed action@case. The fields come first: they are
// what a handler needs (what, where, by when, who to call), while every
// link's page is also reached by tapping the card.
func card(m bot.Message, task string) TemplateCard {
	c := TemplateCard{CardType: CardButtonInteraction, TaskID: task,
		MainTitle: CardTitle{Title: cardCut(m.Title, titleRunes)}, SubTitleText: cardCut(prose(m), subTitleRunes)}
	for _, f := range m.Fields {
		if len(c.HorizontalContentList) >= MaxHorizontal {
			break
		}
		c.HorizontalContentList = append(c.HorizontalContentList, HorizontalContent{KeyName: cardCut(f.Label, keyNameRunes), Value: cardCut(f.Value, valueRunes)})
	}
	for _, b := range m.Actions {
		if b.Callback() {
			if len(c.ButtonList) < MaxButtons {
				c.ButtonList = append(c.ButtonList, CardButton{Text: cardCut(b.Label, buttonRunes), Style: style(len(c.ButtonList)),
					Key: bot.ActionKey(bot.ActionName(b.Key), m.CaseNumber)})
			}
			continue
		}
		if b.URL != m.Link && len(c.HorizontalContentList) < MaxHorizontal {
			c.HorizontalContentList = append(c.HorizontalContentList, HorizontalContent{Type: rowLink,
				KeyName: cardCut(b.Label, keyNameRunes), Value: m.CaseNumber, URL: b.URL})
		}
	}
	if m.Link != "" {
		c.CardAction = &CardAction{Type: 1, URL: m.Link}
	}
	return c
}

// digestCard lays out a digest of cards: a link row per case and a
// selection of the cases with one button, since a member can press a card
// once. It holds at most MaxHorizontal cases (FoldMax says so).
func digestCard(d bot.Message, task string) TemplateCard {
	c := TemplateCard{CardType: CardButtonInteraction, TaskID: task,
		MainTitle: CardTitle{Title: cardCut(d.Title, titleRunes)}, SubTitleText: cardCut(d.Text, subTitleRunes)}
	sel := &ButtonSelection{QuestionKey: questionCase}
	label := ""
	for _, m := range d.Digest {
		if m.Link != "" && len(c.HorizontalContentList) < MaxHorizontal {
			c.HorizontalContentList = append(c.HorizontalContentList, HorizontalContent{Type: rowLink,
				KeyName: cardCut(shortNumber(m.CaseNumber), keyNameRunes), Value: cardCut(summaryOf(m), valueRunes), URL: m.Link})
		}
		b, ok := firstCallback(m)
		if !ok || len(sel.OptionList) >= MaxOptions {
			continue
		}
		if label == "" {
			label = b.Label
		}
		sel.OptionList = append(sel.OptionList, SelectOption{ID: bot.ActionKey(bot.ActionName(b.Key), m.CaseNumber),
			Text: cardCut(m.CaseNumber+" "+summaryOf(m), optionRunes)})
	}
	if len(sel.OptionList) > 0 {
		sel.SelectedID = sel.OptionList[0].ID
		c.ButtonSelection = sel
		c.ButtonList = []CardButton{{Text: cardCut(label, buttonRunes), Style: 1, Key: keySelected}}
	}
	return c
}

func firstCallback(m bot.Message) (bot.Button, bool) {
	for _, b := range m.Actions {
		if b.Callback() {
			return b, true
		}
	}
	return bot.Button{}, false
}

// hasCallback reports whether a message, or any message of a digest, asks
// for a button press.
func hasCallback(m bot.Message) bool {
	if _, ok := firstCallback(m); ok {
		return true
	}
	for _, d := range m.Digest {
		if hasCallback(d) {
			return true
		}
	}
	return false
}

// style makes the first button the prominent one (1 blue, 2 grey).
func style(i int) int {
	if i == 0 {
		return 1
	}
	return 2
}

// prose is the message's text without its field lines, which the card
// shows as rows.
func prose(m bot.Message) string {
	fields := map[string]bool{}
	for _, f := range m.Fields {
		fields[f.Label+"："+f.Value] = true
	}
	var out []string
	for _, line := range strings.Split(m.Text, "\n") {
		if line != "" && !fields[line] {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// summaryOf is a case's message in a few words: its first two fields
// (category, place…), else its title.
func summaryOf(m bot.Message) string {
	var parts []string
	for _, f := range m.Fields {
		if len(parts) == 2 {
			break
		}
		parts = append(parts, f.Value)
	}
	if len(parts) == 0 {
		return m.Title
	}
	return strings.Join(parts, " ")
}

// shortNumber is the day's sequence of a case number, JS20261128-0042 →
// 0042, short enough for a row's key.
func shortNumber(n string) string {
	if i := strings.LastIndexByte(n, '-'); i >= 0 && i < len(n)-1 {
		return n[i+1:]
	}
	return n
}

// cardCut is s as a card shows it: escaped, then cut to n runes.
func cardCut(s string, n int) string { return cut(cardText.Escape(s, nil), n) }

// cut keeps the first n runes of s, marking a cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}

// markdown lays out a message for a group robot or an app: bold title,
// the text, the link; a digest lists its messages as links. Every text is
// escaped, so the only markup is this function's. It keeps within limit
// bytes by dropping whole lines.
func markdown(m bot.Message, limit int) string {
	esc := func(s string) string { return markdownText.Escape(s, m.Links) }
	lines := []string{"**" + cutBytes(esc(m.Title), limit/2) + "**"}
	if m.Text != "" {
		for _, l := range strings.Split(m.Text, "\n") {
			lines = append(lines, esc(l))
		}
	}
	for _, d := range m.Digest {
		item := markdownText.Escape(d.Title, nil)
		if d.Link != "" {
			item = "[" + item + "](" + d.Link + ")"
		}
		if s := summaryOf(d); s != d.Title {
			item += " " + markdownText.Escape(s, nil)
		}
		lines = append(lines, "> "+item)
	}
	if m.Link != "" && len(m.Digest) == 0 {
		lines = append(lines, "["+esc(linkLabel(m))+"]("+m.Link+")")
	}
	var b strings.Builder
	for i, l := range lines {
		if b.Len()+len(l)+1 > limit {
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	return b.String()
}

// linkLabel is the label of the message's button that opens its link, or
// the link itself.
func linkLabel(m bot.Message) string {
	for _, b := range m.Actions {
		if b.URL == m.Link {
			return b.Label
		}
	}
	return m.Link
}

// plain is the message as text within limit bytes, for text messages:
// escaped, with the links after it. A text too long is cut before the
// links, so that they stay.
func plain(m bot.Message, limit int) string {
	body := appText.Escape(m.Title, m.Links)
	if m.Text != "" {
		body += "\n" + appText.Escape(m.Text, m.Links)
	}
	var tail string
	for _, d := range m.Digest {
		tail += "\n" + appText.Escape(d.Title, nil)
		if d.Link != "" {
			tail += " " + d.Link
		}
	}
	kept := cutBytes(body, limit-len(tail))
	if m.Link != "" && !strings.Contains(kept, m.Link) {
		tail = "\n" + m.Link + tail
		kept = cutBytes(body, limit-len(tail))
	}
	return cutBytes(kept+tail, limit)
}

// cutBytes keeps at most n bytes of s, never half a character.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
