package secret

import (
	"regexp"
	"strings"
	"unicode"
)

// mobilePattern is a mainland China mobile number (11 digits, 13x–19x).
var mobilePattern = regexp.MustCompile(`^1[3-9]\d{9}$`)

// ValidMobile normalises a mainland mobile number as people type it
// ("+86 138-1234-5678", full-width digits from a Chinese input method) to
// its 11 digits, and reports whether it is one. It returns "" when it is not.
func ValidMobile(s string) (string, bool) {
	n := strings.Map(func(r rune) rune {
		r = halfWidth(r)
		if r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	switch {
	case strings.HasPrefix(n, "+86"):
		n = n[3:]
	case strings.HasPrefix(n, "0086"):
		n = n[4:]
	case len(n) == 13 && strings.HasPrefix(n, "86"):
		n = n[2:]
	}
	if !mobilePattern.MatchString(n) {
		return "", false
	}
	return n, true
}

// halfWidth maps full-width ASCII (０–９, ＋, －, （, ）…) and the ideographic
// space to plain ASCII.
func halfWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}
