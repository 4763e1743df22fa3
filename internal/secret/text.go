package secret

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultStudentNumber is the student numbers TextMask hides unless the
// configuration names the school's own format: ten digits from the year of
// enrolment, 2021012345. It is matched against a whole run of digits.
const DefaultStudentNumber = `20\d{8}`

// minAccountDigits is the shortest unbroken run TextMask hides for its
// length alone.
const minAccountDigits = 9

// maxNumberDigits is the longest number TextMask looks for: a bank card
// has 19 digits; with a country code, a mobile 15 (0086 + 11).
const maxNumberDigits = 19

// TextMask is the one rule for personal data typed into free text (a
// complaint, a supplement, a note): numbers that look like mobiles,
// landlines, ID cards, bank cards and student numbers, and any other
// unbroken run of 9 digits or more (a QQ number), lose their middle,
// and the complainant's own name becomes its masked form. Everything that
// shows such text to someone who has not revealed the case applies it.
// The zero TextMask uses DefaultStudentNumber.
type TextMask struct {
	student *regexp.Regexp
}

// NewTextMask builds the rule with the school's student-number pattern (a
// Go regular expression matched against a whole run of digits; empty:
// DefaultStudentNumber).
func NewTextMask(studentNumber string) (TextMask, error) {
	if studentNumber == "" {
		return TextMask{}, nil
	}
	re, err := regexp.Compile(`^(?:` + studentNumber + `)$`)
	if err != nil {
		return TextMask{}, fmt.Errorf("student number pattern: %w", err)
	}
	if short, ok := matchesShortRun(re); ok {
		return TextMask{}, fmt.Errorf("student number pattern %q matches %q: it would mask rooms, floors and times", studentNumber, short)
	}
	return TextMask{student: re}, nil
}

// matchesShortRun returns a run of at most four digits re matches, if any:
// a student number is longer than a room (502) or a time (1430), and a
// pattern that takes those would mask half of every complaint.
func matchesShortRun(re *regexp.Regexp) (string, bool) {
	for n := 1; n <= 4; n++ {
		limit := 1
		for range n {
			limit *= 10
		}
		for i := range limit {
			if s := fmt.Sprintf("%0*d", n, i); re.MatchString(s) {
				return s, true
			}
		}
	}
	return "", false
}

var defaultStudent = regexp.MustCompile(`^(?:` + DefaultStudentNumber + `)$`)

// Text masks s. names are the complainant's own (as registered); each
// becomes MaskName's form wherever it appears, even with spaces between its
// characters. A one-character name is left alone: it would match ordinary
// words.
func (m TextMask) Text(s string, names ...string) string {
	student := m.student
	if student == nil {
		student = defaultStudent
	}
	// Invisible characters go first: hidden between digits or between a
	// name's characters they would split what the rule looks for, and
	// every outbound format drops them afterwards (render's inert step),
	// joining the parts again.
	s = strings.Map(func(r rune) rune {
		if r != '\t' && r != '\n' && unicode.In(r, unicode.Cc, unicode.Cf) {
			return -1
		}
		return r
	}, s)
	s = maskNumbers(s, student)
	for _, n := range names {
		s = maskName(s, n)
	}
	return s
}

func maskName(s, name string) string {
	want := []rune(strings.Map(func(r rune) rune {
		if nameGap(r) {
			return -1
		}
		return r
	}, name))
	if len(want) < 2 {
		return s
	}
	rs := []rune(s)
	var out strings.Builder
	done := 0
	for i := 0; i < len(rs); i++ {
		if end, ok := nameAt(rs, i, want); ok {
			out.WriteString(string(rs[done:i]))
			out.WriteString(MaskName(name))
			done, i = end, end-1
		}
	}
	if done == 0 {
		return s
	}
	out.WriteString(string(rs[done:]))
	return out.String()
}

// nameAt reports whether the name starts at rs[i], letters in any case and
// spaces or name dots between its characters allowed, and where it ends.
func nameAt(rs []rune, i int, want []rune) (int, bool) {
	for k, w := range want {
		for k > 0 && i < len(rs) && nameGap(rs[i]) {
			i++
		}
		if i == len(rs) || (rs[i] != w && unicode.ToLower(rs[i]) != unicode.ToLower(w)) {
			return 0, false
		}
		i++
	}
	return i, true
}

// nameGap is what may stand between the characters of a name: white
// space, and the dots of transcribed names (迪丽热巴·迪力木拉提).
func nameGap(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("·•・.", r)
}

// group is a run of digits in the text, at runes [start, end).
type group struct {
	start, end int
	digits     string
	plus       bool // a '+' stands in the separators before it
}

// maskNumbers finds runs of digit groups (digits, full-width ones too, with
// spaces, dashes, dots and brackets between them, as people type phone
// numbers)
// and masks every part of a run that reads as one of the numbers.
func maskNumbers(s string, student *regexp.Regexp) string {
	rs := []rune(s)
	var out strings.Builder
	done := 0
	for i := 0; i < len(rs); {
		groups, next := digitGroups(rs, i)
		if len(groups) == 0 {
			i = next
			continue
		}
		for g := 0; g < len(groups); {
			end, masked := longestNumber(rs, groups[g:], student)
			if end == 0 {
				g++
				continue
			}
			start := groups[g].start
			if groups[g].plus {
				start = plusBefore(rs, start)
			}
			// An area code in brackets: (010)62781234.
			if e := groups[g].end; start > 0 && end > 1 && halfWidth(rs[start-1]) == '(' && halfWidth(rs[e]) == ')' {
				start--
			}
			out.WriteString(string(rs[done:start]))
			out.WriteString(masked)
			done = groups[g+end-1].end
			g += end
		}
		i = next
	}
	if done == 0 {
		return s
	}
	out.WriteString(string(rs[done:]))
	return out.String()
}

// maxSeparators is how many separator characters may stand between two
// groups of one number ("138    0013    8000" has four).
const maxSeparators = 6

// digitGroups reads the groups of one run starting at or after i, and
// returns where to look next.
func digitGroups(rs []rune, i int) ([]group, int) {
	for i < len(rs) && !isDigit(rs[i]) {
		i++
	}
	var groups []group
	plus := i > 0 && plusBefore(rs, i) < i
	for i < len(rs) && isDigit(rs[i]) {
		g := group{start: i, plus: plus}
		var d strings.Builder
		for i < len(rs) && isDigit(rs[i]) {
			d.WriteRune(halfWidth(rs[i]))
			i++
		}
		// The check character of an ID card ends its group.
		if i < len(rs) && (halfWidth(rs[i]) == 'X' || halfWidth(rs[i]) == 'x') && (i+1 == len(rs) || !isWordRune(rs[i+1])) {
			d.WriteByte('X')
			i++
		}
		g.end, g.digits = i, d.String()
		groups = append(groups, g)
		j, seps := i, 0
		plus = false
		for j < len(rs) && seps < maxSeparators && isSeparator(rs[j]) {
			plus = plus || halfWidth(rs[j]) == '+'
			j++
			seps++
		}
		if j == i || j == len(rs) || !isDigit(rs[j]) || strings.HasSuffix(g.digits, "X") {
			break
		}
		i = j
	}
	return groups, i
}

// longestNumber finds the most groups from the first on that make one
// number, and returns how many and their masked form (0 when none do).
func longestNumber(rs []rune, gs []group, student *regexp.Regexp) (int, string) {
	best, masked := 0, ""
	digits := ""
	for n := 1; n <= len(gs); n++ {
		digits += gs[n-1].digits
		if n > 1 && len(digits) > maxNumberDigits {
			break
		}
		quantity := amount(rs, gs[0].start, gs[n-1].end)
		m, ok := classify(gs[:n], digits, gs[0].plus, quantity, student)
		if !ok && strings.HasSuffix(digits, "X") {
			// An x that is no ID card's check character stays as typed.
			if m, ok = classify(gs[:n], strings.TrimSuffix(digits, "X"), gs[0].plus, quantity, student); ok {
				m += string(rs[gs[n-1].end-1])
			}
		}
		if ok {
			best, masked = n, m
		}
	}
	return best, masked
}

// classify says whether digits (the concatenation of gs) is a number to
// hide, and how it then reads. A mobile, an ID card or a landline with its
// area code is one whatever follows it; a number that only its length
// makes a phone or an account is not when it reads as a quantity.
func classify(gs []group, digits string, plus, quantity bool, student *regexp.Regexp) (string, bool) {
	x := strings.HasSuffix(digits, "X")
	switch {
	case x && len(digits) != 18:
		return "", false
	case idCard(digits):
		return keepEnds(digits, 3, 4), true
	case x:
		return "", false
	}
	if plus || strings.HasPrefix(digits, "0086") || (len(digits) == 13 && strings.HasPrefix(digits, "86")) {
		if m, ok := ValidMobile("+" + strings.TrimPrefix(digits, "00")); ok {
			return MaskPhone(m), true
		}
	}
	if m, ok := ValidMobile(digits); ok {
		return MaskPhone(m), true
	}
	if area, local, ok := landline(gs, digits); ok {
		return MaskPhone(area + "-" + local), true
	}
	if quantity {
		return "", false
	}
	if localLandline(digits) {
		return keepEnds(digits, 0, 4), true
	}
	if len(gs) == 1 && student.MatchString(digits) {
		return keepEnds(digits, 2, 2), true
	}
	if bankCard(gs, digits) {
		return keepEnds(digits, 4, 4), true
	}
	// Any other unbroken run this long is an account of some kind (a QQ
	// number, a card, an order): no date, room, time or amount has 9 digits.
	if len(gs) == 1 && len(digits) >= minAccountDigits && isDigits(digits) {
		return keepEnds(digits, 2, 2), true
	}
	return "", false
}

// landline is an area code (0 and 2 or 3 digits) and a local number of 7
// or 8 digits, as one run or in groups; an extension after it is masked
// with it.
func landline(gs []group, digits string) (area, local string, ok bool) {
	if digits[0] != '0' || len(digits) < 10 || digits[1] == '0' {
		return "", "", false
	}
	cut := 4
	if digits[1] == '1' || digits[1] == '2' {
		cut = 3
	}
	if len(gs) > 1 && (len(gs[0].digits) == 3 || len(gs[0].digits) == 4) {
		cut = len(gs[0].digits)
		if rest := digits[cut:]; len(gs) > 2 && len(gs[len(gs)-1].digits) <= 5 && localLandline(strings.TrimSuffix(rest, gs[len(gs)-1].digits)) {
			return digits[:cut], strings.TrimSuffix(rest, gs[len(gs)-1].digits), true
		}
	}
	if localLandline(digits[cut:]) {
		return digits[:cut], digits[cut:], true
	}
	return "", "", false
}

// localLandline is a local number without its area code: 7 or 8 digits
// from 2 to 9, unless the 8 read as a date (20261128).
func localLandline(d string) bool {
	if (len(d) != 7 && len(d) != 8) || d[0] < '2' || !isDigits(d) {
		return false
	}
	return !(len(d) == 8 && date(d))
}

// idCard is an 18-character resident ID (17 digits and a digit or X) or an
// old 15-digit one, with a birth date where it belongs.
func idCard(d string) bool {
	switch len(d) {
	case 18:
		return isDigits(d[:17]) && d[0] != '0' && date(d[6:14])
	case 15:
		return isDigits(d) && d[0] != '0' && date("19"+d[6:12])
	}
	return false
}

// bankCard is 16 to 19 digits in one run or in groups of four.
func bankCard(gs []group, d string) bool {
	if len(d) < 16 || len(d) > 19 || !isDigits(d) {
		return false
	}
	for _, g := range gs[:len(gs)-1] {
		if len(g.digits) != 4 {
			return false
		}
	}
	return true
}

// date reports whether 8 digits are a plausible YYYYMMDD of 1900–2099.
func date(d string) bool {
	if len(d) != 8 || !isDigits(d) || (d[:2] != "19" && d[:2] != "20") {
		return false
	}
	month, day := (d[4]-'0')*10+d[5]-'0', (d[6]-'0')*10+d[7]-'0'
	return month >= 1 && month <= 12 && day >= 1 && day <= 31
}

// amount reports whether the number at runes [start, end) is a quantity:
// money after ¥, or a count, a price or a size before its unit (元, 米, 号).
func amount(rs []rune, start, end int) bool {
	if start > 0 && strings.ContainsRune("¥￥$", rs[start-1]) {
		return true
	}
	return end < len(rs) && strings.ContainsRune(units, rs[end])
}

// units are the characters that make the number before them a quantity.
const units = "元块角万亿米号楼层室间栋幢次个人分秒年月日天周岁度件台张本份条页%％"

func keepEnds(d string, head, tail int) string {
	return d[:head] + strings.Repeat("*", len(d)-head-tail) + d[len(d)-tail:]
}

func isDigit(r rune) bool {
	r = halfWidth(r)
	return r >= '0' && r <= '9'
}

// isSeparator is what people put between the groups of a phone number,
// and what hostile text hides in it: white space, control and format
// characters (zero-width spaces, direction marks).
func isSeparator(r rune) bool {
	switch r = halfWidth(r); r {
	case '-', '(', ')', '+', '.', '_', '\u2013', '\u2014', '\u2212':
		return true
	}
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cc, unicode.Cf)
}

func isWordRune(r rune) bool {
	r = halfWidth(r)
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// plusBefore returns where a '+' stands in the separators just before
// runes[i], or i when there is none.
func plusBefore(rs []rune, i int) int {
	for j := i - 1; j >= 0 && i-j <= 3 && isSeparator(rs[j]); j-- {
		if halfWidth(rs[j]) == '+' {
			return j
		}
	}
	return i
}
