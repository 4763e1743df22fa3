package render

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jiesu/jiesu/bot"
)

// ErrBadActions is an "actions" block with a line that is not "key 标签
// [URL]".
var ErrBadActions = errors.New("bad actions block")

// fieldSep separates a field's label from its value. Only the full-width
// colon counts, so an ASCII "http://…" or "10:30" in a line is never
// mistaken for a field.
const fieldSep = "："

// maxLabelRunes bounds a field label: a longer text before the colon is a
// sentence, not a label.
const maxLabelRunes = 8

// assemble splits a rendered body into a message: the first line is the
// title, every "标签：值" line a field, and all lines after the title the
// text. Blank lines, and field lines whose value came out empty (an unknown
// place, a deadline not set), are dropped.
func assemble(body, link string) (bot.Message, error) {
	var lines []string
	var fields []bot.Field
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		label, value, isField := splitField(line)
		if isField && value == "" {
			continue
		}
		if isField && len(lines) > 0 {
			fields = append(fields, bot.Field{Label: label, Value: value})
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return bot.Message{}, ErrEmpty
	}
	return bot.Message{
		Title:  lines[0],
		Text:   strings.Join(lines[1:], "\n"),
		Fields: fields,
		Link:   link,
	}, nil
}

func splitField(line string) (label, value string, ok bool) {
	label, value, ok = strings.Cut(line, fieldSep)
	if !ok || label == "" || utf8.RuneCountInString(label) > maxLabelRunes || strings.IndexFunc(label, unicode.IsSpace) >= 0 {
		return "", "", false
	}
	return label, strings.TrimSpace(value), true
}

// parseActions reads an "actions" block: one button a line, "key 标签" for
// a callback, "key 标签 URL" for a link.
func parseActions(block, caseNumber string) ([]bot.Button, error) {
	var out []bot.Button
	for _, line := range strings.Split(block, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
			continue
		case len(f) == 2:
			out = append(out, bot.Button{Key: f[0], Label: f[1]})
		case len(f) == 3 && (strings.HasPrefix(f[2], "https://") || strings.HasPrefix(f[2], "http://")):
			out = append(out, bot.Button{Key: f[0], Label: f[1], URL: f[2]})
		default:
			return nil, fmt.Errorf("%w: %q (want: key 标签 [URL])", ErrBadActions, strings.TrimSpace(line))
		}
	}
	return out, nil
}

func defaultKind(actions []bot.Button) bot.MessageKind {
	for _, b := range actions {
		if b.Callback() {
			return bot.MessageCard
		}
	}
	return bot.MessageNotice
}

func parseKind(s string) (bot.MessageKind, error) {
	switch k := bot.MessageKind(strings.TrimSpace(s)); k {
	case bot.MessageText, bot.MessageNotice, bot.MessageCard:
		return k, nil
	}
	return "", fmt.Errorf("kind %q: want text, notice or card", strings.TrimSpace(s))
}
