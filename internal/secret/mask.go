package secret

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaskName shows the first character of a name, for group messages where a
// unit needs to tell cases apart but not to know who complained. Chinese
// names keep one star per hidden character, as people are used to reading
// them (张三 → 张*, 欧阳娜娜 → 欧***); other names show one letter and one
// star (Alice Smith → A*), so their length tells nothing either.
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	first, size := utf8.DecodeRuneInString(name)
	if !unicode.Is(unicode.Han, first) {
		return string(first) + "*"
	}
	return string(first) + strings.Repeat("*", max(utf8.RuneCountInString(name[size:]), 1))
}

// MaskPhone hides a phone number but its ends: mobiles keep the first 3 and
// last 4 digits (138****5678), landlines their area code and last 4
// (010-****1234), other numbers of 7 digits or more their last 4. Anything
// shorter, or not a phone number at all, becomes all stars.
func MaskPhone(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if m, ok := ValidMobile(s); ok {
		return m[:3] + "****" + m[7:]
	}
	if area, local, ext, ok := splitLandline(s); ok {
		out := area + "-" + keepLast4(local)
		if ext != "" {
			out += "-" + strings.Repeat("*", len(ext))
		}
		return out
	}
	digits, phoneLike := phoneDigits(s)
	if !phoneLike || len(digits) < 7 {
		return strings.Repeat("*", utf8.RuneCountInString(s))
	}
	return keepLast4(digits)
}

func keepLast4(digits string) string {
	return strings.Repeat("*", len(digits)-4) + digits[len(digits)-4:]
}

// splitLandline recognises 010-80791234, (010)80791234, 010 80791234,
// 01080791234 and 0571-88881234-801: an area code of 3 digits (010, 02x) or
// 4, a local number of 7 or 8 digits, and an optional extension.
func splitLandline(s string) (area, local, ext string, ok bool) {
	n := strings.Map(func(r rune) rune {
		switch r = halfWidth(r); {
		case r == '(':
			return -1
		case r == ')' || r == ' ':
			return '-'
		}
		return r
	}, s)
	parts := strings.FieldsFunc(n, func(r rune) bool { return r == '-' })
	switch {
	case len(parts) == 1 && isDigits(parts[0]) && len(parts[0]) >= 10 && parts[0][0] == '0':
		cut := 4
		if parts[0][1] == '1' || parts[0][1] == '2' {
			cut = 3
		}
		area, local = parts[0][:cut], parts[0][cut:]
	case len(parts) == 2 || len(parts) == 3:
		area, local = parts[0], parts[1]
		if len(parts) == 3 {
			ext = parts[2]
		}
	default:
		return "", "", "", false
	}
	ok = isDigits(area) && area[0] == '0' && (len(area) == 3 || len(area) == 4) &&
		isDigits(local) && (len(local) == 7 || len(local) == 8) &&
		(ext == "" || isDigits(ext))
	return area, local, ext, ok
}

// phoneDigits returns the digits of s and whether s looks like a phone
// number: digits with only the usual separators.
func phoneDigits(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch r = halfWidth(r); {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == '+' || r == '(' || r == ')' || unicode.IsSpace(r):
		default:
			return "", false
		}
	}
	return b.String(), true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
