// Package textsim says how alike two complaints' texts are, so that cases
// sharing a category and a place join one incident only when they are
// about the same problem. Chinese has no spaces to split words on; pairs
// of neighbouring characters (bigrams) carry most of a short text's
// meaning without a dictionary, in pure Go.
package textsim

import (
	"strings"
	"unicode"
)

// Fold maps full-width ASCII (what Chinese input methods often type: ＷＩＦＩ,
// ３号楼) and the ideographic space to plain ASCII, and ASCII letters to lower
// case. It works rune by rune, so Chinese text passes through untouched, and
// it returns s itself when nothing changes.
func Fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ！ … ～
			r -= 0xFEE0
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			return r
		case r == 0x3000: // ideographic space
			return ' '
		}
		return r
	}, s)
}

// function are characters that carry grammar, not a problem: a pair with
// one of them (坏了, 门的, 太差) is shared by complaints about anything, and
// made 东门的路灯坏了 and 东门的道闸坏了 look alike.
const function = "的了吗呢啊吧呀着过和与及在是有也都很太就又还被把给让对从向到这那个我你他她们"

// Bigrams are a text's distinct pairs of neighbouring letters or digits,
// folded; punctuation, spaces, markup signs and control characters break
// the pairs, so they neither count nor join the characters around them,
// and pairs with a function character are left out.
type Bigrams map[[2]rune]struct{}

// Of returns the bigrams of text, leaving out the pairs with a character
// of ignore: the words every text being compared shares by construction
// (an incident's place, 东门, and what is said around it, 门口) say nothing
// about whether two texts are about the same problem.
func Of(text, ignore string) Bigrams {
	ignore = Fold(ignore)
	skip := func(r rune) bool { return strings.ContainsRune(function, r) || strings.ContainsRune(ignore, r) }
	out := Bigrams{}
	prev := rune(-1)
	for _, r := range Fold(text) {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			prev = -1
			continue
		}
		if prev >= 0 && !skip(prev) && !skip(r) {
			out[[2]rune{prev, r}] = struct{}{}
		}
		prev = r
	}
	return out
}

// Similarity is the Dice coefficient of the two sets: twice the bigrams
// they share over the bigrams of both, from 0 (nothing shared) to 1 (the
// same set). Two empty sets share nothing.
func (a Bigrams) Similarity(b Bigrams) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	small, large := a, b
	if len(small) > len(large) {
		small, large = large, small
	}
	shared := 0
	for g := range small {
		if _, ok := large[g]; ok {
			shared++
		}
	}
	return 2 * float64(shared) / float64(len(a)+len(b))
}

// Similarity is how alike texts a and b are (see Bigrams.Similarity),
// ignoring the characters of shared (see Of).
func Similarity(a, b, shared string) float64 { return Of(a, shared).Similarity(Of(b, shared)) }

// Alike reports whether similarity s reaches percent (1–100), the form
// the configuration gives the threshold in; a hair of rounding (2 of 20
// bigrams is 0.1 only nearly) does not keep a pair apart.
func Alike(s float64, percent int) bool { return s*100 >= float64(percent)-1e-9 }
