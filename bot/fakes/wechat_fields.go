package fakes

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// checkData enforces what the platform accepts in a subscribe or template
// message (订阅通知参数值内容限制): a value for every key, within its
// type's length and characters, and no optional object left empty.
func checkData(body map[string]any) bool {
	if mp, ok := body["miniprogram"]; ok {
		// An empty miniprogram.appid is refused, not ignored.
		m, _ := mp.(map[string]any)
		if str(m, "appid") == "" {
			return false
		}
	}
	data, _ := body["data"].(map[string]any)
	if len(data) == 0 {
		return false
	}
	for key, v := range data {
		item, _ := v.(map[string]any)
		if !validValue(strings.TrimRight(key, "0123456789"), str(item, "value")) {
			return false
		}
	}
	return true
}

// validValue is the platform's rule for one value of a key's type.
func validValue(kind, v string) bool {
	n := utf8.RuneCountInString(v)
	if v == "" {
		return false
	}
	switch kind {
	case "thing":
		return n <= 20 && all(v, func(r rune) bool { return !unicode.IsControl(r) })
	case "character_string":
		return n <= 32 && all(v, asciiGraphic)
	case "number":
		return n <= 32 && all(v, func(r rune) bool { return r >= '0' && r <= '9' || r == '.' })
	case "letter":
		return n <= 32 && all(v, asciiLetter)
	case "symbol":
		return n <= 5 && all(v, func(r rune) bool { return asciiGraphic(r) && !asciiLetter(r) && !unicode.IsDigit(r) })
	case "phrase":
		return n <= 5 && all(v, han)
	case "name":
		return n <= 10 && all(v, han) || n <= 20 && all(v, func(r rune) bool { return asciiGraphic(r) || r == ' ' })
	case "phone_number":
		return n <= 17 && all(v, func(r rune) bool { return asciiGraphic(r) && !asciiLetter(r) })
	case "time", "date":
		for _, layout := range []string{"2006-01-02 15:04", "2006-01-02", "15:04", "2006年1月2日 15:04", "2006年1月2日"} {
			if _, err := time.Parse(layout, v); err == nil {
				return true
			}
		}
		return false
	}
	return false // amount, car_number, enum…: nothing jiesu sends
}

func all(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

func asciiGraphic(r rune) bool { return r > ' ' && r < 0x7f }

func asciiLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func han(r rune) bool { return unicode.Is(unicode.Han, r) }
