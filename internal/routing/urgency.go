package routing

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// urgency holds the rules that decide, from a complaint's text, whether it
// reports an ongoing danger to people or property (the policy's 突发事故、
// 不稳定因素以及可能造成师生员工生命财产损失的诉求).
type urgency struct {
	// patterns is urgent_patterns joined into one alternation: one pass
	// over a clause instead of one per pattern.
	patterns   *regexp.Regexp
	words      []word
	exceptions []word
}

// textUrgency is what the text says about danger: the phrases that show
// one (evidence), the danger words with nothing beside them to call them a
// passing mention (doubt, which counts as urgent), and the words set aside
// with the exception that set them aside.
type textUrgency struct {
	evidence []string
	doubt    []string
	setAside []string
}

func (u textUrgency) urgent() bool { return len(u.evidence) > 0 || len(u.doubt) > 0 }

// compilePatterns compiles urgent_patterns into one expression, refusing
// one that does not compile or matches an empty text (it would make every
// complaint urgent). Nil when there are none.
func compilePatterns(key string, list []string) (*regexp.Regexp, error) {
	out := make([]string, 0, len(list))
	for i, p := range list {
		p = strings.TrimSpace(p)
		re, err := regexp.Compile(fold(p))
		if err != nil {
			return nil, fmt.Errorf("routing: %s[%d]: %q: %v: %w", key, i, p, err, ErrInvalidRule)
		}
		if p == "" || re.MatchString("") {
			return nil, fmt.Errorf("routing: %s[%d]: %q matches an empty text, so every text: %w", key, i, p, ErrInvalidRule)
		}
		out = append(out, "(?:"+fold(p)+")")
	}
	if len(out) == 0 {
		return nil, nil
	}
	return regexp.MustCompile(strings.Join(out, "|")), nil
}

// clauseBreaks end a clause: an exception word counts only in the clause
// of the danger word, so that "消防通道被堵，楼里着火了" is not excused by
// its first half. People on their phones often part phrases with a space,
// a 、 or a ～ instead: "宿舍着火 灭火器不能用" is two clauses too.
const clauseBreaks = "，。！？；：,.!?;:\n\r…、～~ \t　"

// clauses splits folded text into its clauses.
func clauses(t string) []string {
	return strings.FieldsFunc(t, func(r rune) bool { return strings.ContainsRune(clauseBreaks, r) })
}

// read looks for danger, clause by clause.
func (u *urgency) read(t string) textUrgency {
	var out textUrgency
	for _, cl := range clauses(t) {
		if u.patterns != nil {
			for _, m := range u.patterns.FindAllString(cl, -1) {
				out.evidence = appendNew(out.evidence, m)
			}
		}
		// A word inside a phrase of evidence (着火 in 着火了) adds nothing.
		found := slices.DeleteFunc(foundIn(u.words, cl), func(w word) bool {
			return slices.ContainsFunc(out.evidence, func(e string) bool { return strings.Contains(e, w.folded) })
		})
		if len(found) == 0 {
			continue
		}
		if ex := foundIn(u.exceptions, cl); len(ex) > 0 {
			for _, w := range found {
				out.setAside = appendNew(out.setAside, fmt.Sprintf("%q beside %q", w.text, ex[0].text))
			}
			continue
		}
		for _, w := range found {
			out.doubt = appendNew(out.doubt, w.text)
		}
	}
	return out
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// raiseTier applies what the text says: an ongoing danger or a danger word
// left in doubt makes the case urgent; otherwise an essential word makes it
// essential. Text only ever raises the tier: a category the configuration
// calls urgent stays urgent whatever the words.
func (r *Router) raiseTier(t string, res *Result) {
	u := r.urgency.read(t)
	if len(u.setAside) > 0 {
		res.Reasons = append(res.Reasons, Reason{Rule: RuleUrgentMention,
			Detail: "urgent word " + strings.Join(u.setAside, ", ") + ": a passing mention, raises nothing"})
	}
	if u.urgent() {
		change := r.raise(res, cases.TierUrgent)
		if res.RaisedFrom != "" {
			res.Evidence = append(slices.Clone(u.evidence), u.doubt...)
		}
		if len(u.evidence) > 0 {
			res.Reasons = append(res.Reasons, Reason{Rule: RuleUrgentEvidence,
				Detail: quoteTexts("phrase", u.evidence) + ": an ongoing danger" + change})
			change = ""
		}
		if len(u.doubt) > 0 {
			res.Reasons = append(res.Reasons, Reason{Rule: RuleUrgentWord,
				Detail: quoteTexts("urgent word", u.doubt) + " and no exception beside it: urgent in doubt" + change})
		}
		return
	}
	if ws := foundIn(r.essential, t); len(ws) > 0 {
		res.Reasons = append(res.Reasons, Reason{Rule: RuleEssentialWord,
			Detail: quoteWords("essential word", ws) + r.raise(res, cases.TierEssential)})
	}
}

// raise lifts res to target when that is more urgent, noting the tier it
// came from when it becomes urgent, and returns the words of the change
// for a reason.
func (r *Router) raise(res *Result, target cases.Tier) string {
	if !target.MoreUrgentThan(res.Tier) {
		return fmt.Sprintf(" (tier already %s)", res.Tier)
	}
	change := fmt.Sprintf(" → tier %s (was %s)", target, res.Tier)
	if target == cases.TierUrgent {
		res.RaisedFrom = res.Tier
	}
	res.Tier = target
	return change
}
