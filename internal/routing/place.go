package routing

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/jiesu/jiesu/internal/config"
)

// placePattern recognises a campus place people name without the
// configuration listing it; name turns the words found into the place's
// one spelling, so that 3栋 and 3号楼 count as one place for hotspots and
// incidents.
type placePattern struct {
	re *regexp.Regexp
	// span is the submatch that holds the place (0: the whole match); a
	// pattern that needs a character before or after it to stand alone
	// matches that character too.
	span int
	name func(sub []string) string
}

var (
	// 栋 and 幢 are what people call a 号楼.
	blockWord = regexp.MustCompile(`(?:栋|幢)楼?`)
	// A room such as 6-312: building, dash, room; digits or a dash on
	// either side make it part of something else (a phone number, a date).
	roomNumber = regexp.MustCompile(`(?:^|[^\d-])((\d{1,2})-(\d{3,4}))(?:$|[^\d-])`)
)

// placePatterns run on folded text, so full-width digits and dashes match
// too. RE2 keeps them linear in the text's length.
var placePatterns = []placePattern{
	// 3号楼, 3号宿舍楼, 东区3号楼, 三号楼, 3栋, 3幢, 3号楼2单元, 12号楼3层,
	// 3号楼502, 3栋502室
	{re: regexp.MustCompile(`(?:[东西南北中]区)?(?:\d+|[一二三四五六七八九十]+)(?:号(?:宿舍|公寓|学生|教学|实验)?楼|栋楼?|幢楼?)(?:\d+单元)?(?:\d+[层楼])?(?:\d+(?:室|宿舍|寝室|房间)|\d{3,4})?`),
		name: func(sub []string) string { return blockWord.ReplaceAllString(sub[0], "号楼") }},
	// 5号公寓, 西区5号公寓302
	{re: regexp.MustCompile(`(?:[东西南北中]区)?\d+号公寓(?:\d+单元)?(?:\d+(?:室|宿舍|寝室|房间)|\d{3,4})?`)},
	// 6-312: room 312 of building 6
	{re: roomNumber, span: 1, name: func(sub []string) string { return sub[2] + "号楼" + sub[3] }},
	// 2单元502, 3单元: a unit of a building the text does not name
	{re: regexp.MustCompile(`\d+单元(?:\d+(?:室|宿舍|寝室|房间)|\d{3,4})?`)},
	// 二食堂, 第一食堂, 3餐厅
	{re: regexp.MustCompile(`第?[一二三四五六七八九十\d]+(?:食堂|餐厅)`)},
	// 第三教学楼, 二教学楼
	{re: regexp.MustCompile(`第?[一二三四五六七八九十\d]+(?:教学楼|实验楼|宿舍楼)`)},
}

// compilePlaces prepares the configured places and their aliases: one list
// of words to look for, and what each alias stands for. An alias given to
// two places is refused: a case could not say which it meant.
func compilePlaces(cfg config.Routing) ([]word, map[string]string, error) {
	names := append([]string(nil), cfg.Places...)
	aliases := map[string]string{}
	for i, a := range cfg.PlaceAliases {
		key := fmt.Sprintf("routing.place_aliases[%d]", i)
		name := strings.TrimSpace(a.Name)
		if name == "" {
			return nil, nil, fmt.Errorf("routing: %s.name: is required: %w", key, ErrInvalidRule)
		}
		ws, err := compileWords(key+".aliases", a.Aliases)
		if err != nil {
			return nil, nil, err
		}
		names = append(names, name)
		for _, w := range ws {
			if other, ok := aliases[w.folded]; ok && other != name {
				return nil, nil, fmt.Errorf("routing: %s.aliases: %q is already an alias of %q: %w", key, w.text, other, ErrInvalidRule)
			}
			aliases[w.folded] = name
			names = append(names, w.text)
		}
	}
	ws, err := compileWords("routing.places", names)
	return ws, aliases, err
}

// placeFound is a place in a text and the words that gave it.
type placeFound struct {
	name  string // as cases show it
	words string // as the text wrote it (folded)
	how   string // configured, alias or pattern
}

// findPlace returns the longest configured place or alias in the folded
// text, and otherwise the longest pattern match (ties: the earliest in the
// text). A configured place is returned as configured, so the same place
// always reads the same for hotspot counting.
func (r *Router) findPlace(text string) (placeFound, bool) {
	if w, ok := longest(foundIn(r.places, text)); ok {
		if name, ok := r.aliases[w.folded]; ok && name != w.text {
			return placeFound{name: name, words: w.folded, how: "alias"}, true
		}
		return placeFound{name: w.text, words: w.folded, how: "configured"}, true
	}
	var best placeFound
	bestLen, bestAt := 0, 0
	for _, p := range placePatterns {
		for _, loc := range p.re.FindAllStringSubmatchIndex(text, -1) {
			at, end := loc[2*p.span], loc[2*p.span+1]
			n := utf8.RuneCountInString(text[at:end])
			if n < bestLen || (n == bestLen && at >= bestAt && bestLen > 0) {
				continue
			}
			sub := make([]string, len(loc)/2)
			for i := range sub {
				if loc[2*i] >= 0 {
					sub[i] = text[loc[2*i]:loc[2*i+1]]
				}
			}
			name := text[at:end]
			if p.name != nil {
				name = p.name(sub)
			}
			best, bestLen, bestAt = placeFound{name: name, words: text[at:end], how: "pattern"}, n, at
		}
	}
	return best, bestLen > 0
}

// reason explains where the place came from, naming the words of the text
// when they differ from the place's name.
func (p placeFound) reason() string {
	d := fmt.Sprintf("place %q (%s", p.name, p.how)
	if p.words != p.name {
		d += fmt.Sprintf(", words %q", p.words)
	}
	return d + ")"
}
