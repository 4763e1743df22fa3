package wechat

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/config"
)

// fieldPrefix starts the part that carries the value of the message's
// field of the given label ("field:办理结果").
const fieldPrefix = config.WeChatFieldPrefix

// fieldType is what WeChat accepts in the keys of one type of a subscribe
// or template message (订阅通知参数值内容限制): at most max characters,
// only those keep allows. What does not fit is cut, with an ellipsis where
// the type allows one; a value with nothing left is empty, which WeChat
// refuses, so it stands as a placeholder.
type fieldType struct {
	max      int
	keep     func(rune) bool
	ellipsis bool
	empty    string
}

var fieldTypes = map[string]fieldType{
	"thing":            {max: 20, keep: shown, ellipsis: true, empty: "无"},
	"character_string": {max: 32, keep: asciiGraphic, empty: "-"},
	"number":           {max: 32, keep: func(r rune) bool { return r >= '0' && r <= '9' || r == '.' }, empty: "0"},
	"letter":           {max: 32, keep: asciiLetter, empty: "x"},
	"symbol":           {max: 5, keep: func(r rune) bool { return asciiGraphic(r) && !asciiLetter(r) && !asciiDigit(r) }, empty: "-"},
	"phrase":           {max: 5, keep: func(r rune) bool { return unicode.Is(unicode.Han, r) }, empty: "无"},
	"name":             {max: 10, keep: func(r rune) bool { return unicode.Is(unicode.Han, r) }, empty: "无"},
	"phone_number":     {max: 17, keep: func(r rune) bool { return asciiGraphic(r) && !asciiLetter(r) }, empty: "-"},
}

// keyType is a template key's type: its name without the trailing number
// (thing2 → thing). An unknown type is held to a thing's limits.
func keyType(key string) (string, fieldType) {
	kind := strings.TrimRight(key, "0123456789")
	if t, ok := fieldTypes[kind]; ok {
		return kind, t
	}
	return kind, fieldTypes["thing"]
}

// fillFields gives every key of fields (key → part) its value from m. Keys
// are filled in their template order (thing2 before thing3); several keys
// of one part continue it where the one before stopped, so a long result
// shows as far as the template's keys allow. A time or date key shows
// now, whatever its part.
func fillFields(fields map[string]string, m bot.Message, now time.Time) map[string]string {
	keys := make([]string, 0, len(fields))
	left := map[string]int{} // part → keys still to fill with it
	for k, part := range fields {
		keys = append(keys, k)
		left[part]++
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(keyNumber(a), keyNumber(b)), strings.Compare(a, b))
	})
	_, numbered := left["number"]
	rest := map[string][]rune{}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		part := fields[k]
		kind, t := keyType(k)
		if kind == "time" || kind == "date" {
			out[k] = now.Format("2006-01-02 15:04")
			continue
		}
		v, started := rest[part]
		if !started {
			v = []rune(partValue(part, m, numbered))
		}
		left[part]--
		out[k], rest[part] = take(v, t, left[part] == 0)
	}
	return out
}

// take cuts from v the longest value of type t and returns it with what
// remains. The last key of a part marks a cut with an ellipsis.
func take(v []rune, t fieldType, last bool) (string, []rune) {
	var b []rune
	i := 0
	for ; i < len(v) && len(b) < t.max; i++ {
		if t.keep(v[i]) {
			b = append(b, v[i])
		}
	}
	for i < len(v) && !t.keep(v[i]) {
		i++ // what could not be shown anyway is no cut
	}
	if i < len(v) && last && t.ellipsis {
		b = append(b[:len(b)-1], '…')
	}
	if len(b) == 0 {
		return t.empty, v[i:]
	}
	return strings.TrimSpace(string(b)), v[i:]
}

// partValue is the text a part stands for. The title leaves out the case
// number when a key of its own carries it: cut to a thing's 20 characters,
// the number would show only in part.
func partValue(part string, m bot.Message, numbered bool) string {
	switch {
	case part == "number":
		return m.CaseNumber
	case part == "title":
		if numbered && m.CaseNumber != "" {
			return withoutNumber(m.Title, m.CaseNumber)
		}
		return oneLine(m.Title)
	case part == "text":
		first, _, _ := strings.Cut(m.Text, "\n")
		return oneLine(first)
	case strings.HasPrefix(part, fieldPrefix):
		label := strings.TrimPrefix(part, fieldPrefix)
		for _, f := range m.Fields {
			if f.Label == label {
				return oneLine(f.Value)
			}
		}
		return partValue("text", m, numbered) // a message without it still says something
	}
	return ""
}

func withoutNumber(title, number string) string {
	for _, s := range []string{"（" + number + "）", "(" + number + ")", "【" + number + "】", number} {
		title = strings.ReplaceAll(title, s, "")
	}
	return oneLine(strings.Trim(strings.TrimSpace(title), "：:，,"))
}

// oneLine makes line breaks spaces and drops other control and format
// characters, which no template key shows.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}), " ")
}

func keyNumber(key string) int {
	n, _ := strconv.Atoi(key[len(strings.TrimRight(key, "0123456789")):])
	return n
}

func shown(r rune) bool { return !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r) }

func asciiGraphic(r rune) bool { return r > ' ' && r < 0x7f }

func asciiLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func asciiDigit(r rune) bool { return r >= '0' && r <= '9' }
