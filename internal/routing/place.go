package routing

import (
	"regexp"
	"unicode/utf8"
)

// placePatterns recognise the campus places people name without the
// configuration listing them: numbered buildings and dormitories with an
// optional zone, floor and room, apartments, canteens and teaching
// buildings. They run on folded text, so full-width digits match too. RE2
// keeps them linear in the text's length.
var placePatterns = []*regexp.Regexp{
	// 3号楼, 3号宿舍楼, 东区3号楼, 三号楼, 12号楼3层, 3号楼502, 3号楼502室
	regexp.MustCompile(`(?:[东西南北中]区)?(?:\d+|[一二三四五六七八九十]+)号(?:宿舍|公寓|学生|教学|实验)?楼(?:\d+[层楼])?(?:\d+(?:室|宿舍|寝室|房间)|\d{3,4})?`),
	// 5号公寓, 西区5号公寓302
	regexp.MustCompile(`(?:[东西南北中]区)?\d+号公寓(?:\d+(?:室|宿舍|寝室|房间)|\d{3,4})?`),
	// 二食堂, 第一食堂, 3餐厅
	regexp.MustCompile(`第?[一二三四五六七八九十\d]+(?:食堂|餐厅)`),
	// 第三教学楼, 二教学楼
	regexp.MustCompile(`第?[一二三四五六七八九十\d]+(?:教学楼|实验楼|宿舍楼)`),
}

// findPlace returns the longest configured place in the folded text, and
// otherwise the longest pattern match (ties: the earliest in the text). The
// configured name is returned as configured, so the same place always reads
// the same for hotspot counting.
func (r *Router) findPlace(text string) (place string, configured bool) {
	if w, ok := longest(foundIn(r.places, text)); ok {
		return w.text, true
	}
	best, bestLen, bestAt := "", 0, 0
	for _, re := range placePatterns {
		for _, loc := range re.FindAllStringIndex(text, -1) {
			m := text[loc[0]:loc[1]]
			n := utf8.RuneCountInString(m)
			if n > bestLen || (n == bestLen && loc[0] < bestAt) {
				best, bestLen, bestAt = m, n, loc[0]
			}
		}
	}
	return best, false
}
