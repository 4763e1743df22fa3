package routing

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jiesu/jiesu/internal/textsim"
)

// word is a configured word with its folded form, so matching ignores case and
// width while reasons still quote what the configuration says.
type word struct {
	text   string
	folded string
}

// compileWords folds and de-duplicates a word list. Duplicates are dropped so
// that a word listed twice cannot count twice for its category.
func compileWords(key string, list []string) ([]word, error) {
	out := make([]word, 0, len(list))
	seen := make(map[string]bool, len(list))
	for i, w := range list {
		w = strings.TrimSpace(w)
		if w == "" {
			return nil, fmt.Errorf("routing: %s[%d]: empty word would match every text: %w", key, i, ErrInvalidRule)
		}
		f := fold(w)
		if seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, word{text: w, folded: f})
	}
	return out, nil
}

// fold is textsim's folding: one rule for what counts as the same text.
func fold(s string) string { return textsim.Fold(s) }

// countIn counts the words found in the folded text.
func countIn(ws []word, text string) int {
	n := 0
	for _, w := range ws {
		if strings.Contains(text, w.folded) {
			n++
		}
	}
	return n
}

// foundIn returns the words found in the folded text, in configuration order.
func foundIn(ws []word, text string) []word {
	var out []word
	for _, w := range ws {
		if strings.Contains(text, w.folded) {
			out = append(out, w)
		}
	}
	return out
}

// quoteWords renders `word "停电"` or `words "停电", "断电"` for a reason,
// quoting the words as the configuration writes them.
func quoteWords(noun string, ws []word) string {
	texts := make([]string, len(ws))
	for i, w := range ws {
		texts[i] = w.text
	}
	return quoteTexts(noun, texts)
}

// quoteTexts renders `phrase "着火了"` or `phrases "着火了", "被困"`.
func quoteTexts(noun string, texts []string) string {
	var b strings.Builder
	b.WriteString(noun)
	if len(texts) > 1 {
		b.WriteString("s")
	}
	for i, t := range texts {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(" ")
		b.WriteString(strconv.Quote(t))
	}
	return b.String()
}

// longest returns the word with the most runes; ties go to the earlier one.
func longest(ws []word) (word, bool) {
	best, n := word{}, -1
	for _, w := range ws {
		if l := utf8.RuneCountInString(w.folded); l > n {
			best, n = w, l
		}
	}
	return best, n >= 0
}
