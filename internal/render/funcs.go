package render

import (
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// timeLayout is how every time in a message reads: Shanghai wall clock to
// the minute, the precision of the policy's deadlines.
const timeLayout = "2006-01-02 15:04"

// shanghai is computed once: LoadLocation reads the tz database each call.
var shanghai = cases.Shanghai()

// funcs are the template functions. They close over r so that the label
// table, loaded after labels.tmpl is parsed, is the one they read.
func (r *Renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"label":         r.label,
		"tierLabel":     func(t any) string { return r.tierLabel(cases.Tier(fmt.Sprint(t))) },
		"stateLabel":    func(s any) string { return r.label("state", s) },
		"channelLabel":  func(c any) string { return r.label("channel", c) },
		"ratingLabel":   func(v any) string { return r.label("rating", v) },
		"unitName":      func(id string) string { return nameOr(r.base.Units, id) },
		"memberName":    func(id string) string { return nameOr(r.base.Members, id) },
		"categoryName":  func(id string) string { return nameOr(r.base.Categories, id) },
		"shanghai":      formatTime,
		"resolveWithin": func(t any) string { return r.window(t, false) },
		"contactWithin": func(t any) string { return r.window(t, true) },
		"truncate":      truncate,
		"mask":          func(s string) string { return r.base.Mask.Text(s) },
		"oneLine":       oneLine,
		"summary":       r.summary,
		"surveyLink":    r.surveyLink,
		"split":         strings.Split,
		"duration":      r.durationText,
		"caseLink":      r.caseLink,
		inertFunc:       inert,
	}
}

// surveyLink is the case's survey page, or "" when none is configured.
func (r *Renderer) surveyLink(caseNumber string) URL {
	if r.base.SurveyLink == nil || caseNumber == "" {
		return ""
	}
	return URL(r.base.SurveyLink(caseNumber))
}

// label returns the Chinese name of code in kind ("state", "dispatched"),
// or the code itself when labels.tmpl has none, so an unforeseen code shows
// rather than fails a delivery.
func (r *Renderer) label(kind string, code any) string {
	c := fmt.Sprint(code)
	if l, ok := r.labels[kind+"."+c]; ok {
		return l
	}
	return c
}

func (r *Renderer) tierLabel(t cases.Tier) string {
	if l := r.base.TierLabels[t]; l != "" {
		return l
	}
	return r.label("tier", t)
}

// window is a tier's resolve (or contact) window in words: 2小时, 5天.
func (r *Renderer) window(t any, contact bool) string {
	tp, ok := r.base.Policy.Tiers[cases.Tier(fmt.Sprint(t))]
	if !ok {
		return ""
	}
	if contact {
		return r.duration(tp.ContactWithin)
	}
	return r.duration(tp.ResolveWithin)
}

// duration writes d in days when it is several whole days (the policy's "5
// natural days"), otherwise in hours and minutes: the policy says 24 h, not
// one day.
func (r *Renderer) duration(d time.Duration) string {
	day, hour, minute := r.labels["duration.day"], r.labels["duration.hour"], r.labels["duration.minute"]
	if d <= 0 {
		return ""
	}
	if d >= 48*time.Hour && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + day
	}
	var b strings.Builder
	if h := int(d / time.Hour); h > 0 {
		b.WriteString(strconv.Itoa(h) + hour)
	}
	if m := int(d % time.Hour / time.Minute); m > 0 {
		b.WriteString(strconv.Itoa(m) + minute)
	}
	return b.String()
}

func nameOr(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// formatTime writes t on Shanghai's wall clock; the zero time is empty, so
// a "标签：" line with it drops out of the message.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(shanghai).Format(timeLayout)
}

// truncate keeps the first n runes of s and marks a cut with "…".
func truncate(n int, s string) string {
	if n <= 0 {
		return ""
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}

// oneLine folds every run of white space, line breaks included, into one
// space, so quoted text cannot break a message's line structure.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// summary is how a group message quotes a complaint: masked by the one
// rule for text (secret.TextMask), on one line, cut to n runes.
func (r *Renderer) summary(n int, s string) string { return truncate(n, oneLine(r.base.Mask.Text(s))) }
