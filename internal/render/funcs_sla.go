package render

import (
	"net/url"
	"strings"
	"time"
)

// durationText writes a Go duration ("1h30m0s", as the sweep puts how late
// a case is into a message's data) in words, to the minute: 1小时30分钟.
// Less than a minute, or no duration, is empty, so a template can say "just
// now" instead.
func (r *Renderer) durationText(s string) string {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < time.Minute {
		return ""
	}
	return r.duration(d.Truncate(time.Minute))
}

// caseLink is the page of the case numbered number, as .Link is for the
// message's own case: for messages that list several (a digest).
func (r *Renderer) caseLink(number string) URL {
	if r.base.BaseURL == "" || number == "" {
		return ""
	}
	return URL(strings.TrimRight(r.base.BaseURL, "/") + "/cases/" + url.PathEscape(number))
}
