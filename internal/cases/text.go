package cases

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The longest text each kind of input field may hold, in characters
// (runes). This table is the one place the limits are set; docs/api.md
// lists them.
const (
	// MaxContentLength bounds a complaint's text: real letters run to
	// several thousand characters. Longer texts are refused rather than
	// cut, so nothing a complainant wrote is silently lost.
	MaxContentLength = 10000
	// MaxNoteLength bounds the free text of an action: a note, a reason, a
	// result, a report, a supplement (which may be as long as a complaint).
	MaxNoteLength = MaxContentLength
	// MaxNameLength bounds a complainant's name.
	MaxNameLength = 100
	// MaxContactLength bounds a complainant's contact (a phone, an email).
	MaxContactLength = 100
	// MaxPlaceLength bounds a place (building, room).
	MaxPlaceLength = 200
	// MaxRefLength bounds a channel reference (a 12345 work-order number,
	// a platform message id), an Idempotency-Key and a case number or id
	// in a path.
	MaxRefLength = 128
	// MaxNameIDLength bounds an identifier from configuration: a unit, a
	// category, a tier, a state, a channel.
	MaxNameIDLength = 64
	// MaxQueryLength bounds a free-text search.
	MaxQueryLength = 200
	// MaxListItems bounds a list of identifiers (co_units, a state list).
	MaxListItems = 20
)

// CheckText is the one rule every text input obeys: valid UTF-8, no NUL
// or other control character except tab and newline, and at most max
// characters. It
// returns nil or the problem, naming field. The database never sees text
// it would refuse or mangle, and no field can grow without bound.
func CheckText(field, s string, max int) *ValidationError {
	if !utf8.ValidString(s) {
		return &ValidationError{Field: field, Why: "must be valid UTF-8 text"}
	}
	if i := strings.IndexFunc(s, controlChar); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return &ValidationError{Field: field, Why: "must not contain control characters (found " + strconv.QuoteRune(r) + "); only tab and newline are allowed"}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return &ValidationError{Field: field, Why: "is " + strconv.Itoa(n) + " characters long; the most is " + strconv.Itoa(max)}
	}
	return nil
}

// CleanText is CheckText's rule applied to what a person cannot correct,
// such as a chat message: invalid bytes become U+FFFD and the forbidden
// control characters are dropped. The length is left for the caller to
// judge, since cutting a complaint would lose what was written.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, controlChar) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if controlChar(r) {
			return -1
		}
		return r
	}, s)
}

// TooLong reports whether s has more than max characters.
func TooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// controlChar is a control character other than tab and newline: C0
// (carriage return included), DEL, C1. A lone surrogate cannot reach here, as Go strings
// hold it as invalid UTF-8.
func controlChar(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n'
}

// checkIDs holds a list of identifiers to CheckText and MaxListItems.
func (p *Problems) checkIDs(field string, ids []string) {
	if len(ids) > MaxListItems {
		p.Add(&ValidationError{Field: field, Why: "lists " + strconv.Itoa(len(ids)) + " items; the most is " + strconv.Itoa(MaxListItems)})
		return
	}
	for _, id := range ids {
		if ve := CheckText(field, id, MaxNameIDLength); ve != nil {
			p.Add(ve)
			return
		}
	}
}
