package web

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// params are the query parameters an endpoint takes, each with the
// longest value it accepts (cases' limits). Anything else is refused.
type params map[string]int

// listParams are GET /api/v1/cases's.
var listParams = params{
	"unit": cases.MaxNameIDLength, "state": cases.MaxListItems * (cases.MaxNameIDLength + 1),
	"tier": cases.MaxNameIDLength, "channel": cases.MaxNameIDLength, "overdue": len("false"),
	"triage": len("false"), "from": cases.MaxRefLength, "to": cases.MaxRefLength,
	"q": cases.MaxQueryLength, "limit": cases.MaxRefLength, "after": cases.MaxRefLength,
}

// limitParams are a list's that only pages by count.
var limitParams = params{"limit": cases.MaxRefLength}

// wildcard finds a pattern's path wildcards, {ref} and the like.
var wildcard = regexp.MustCompile(`\{(\w+)\}`)

// wildcards are the names of a pattern's path wildcards.
func wildcards(pattern string) []string {
	var names []string
	for _, m := range wildcard.FindAllStringSubmatch(pattern, -1) {
		names = append(names, m[1])
	}
	return names
}

// checkRequest holds the query and the path wildcards of a request to
// cases.CheckText, and refuses query parameters the endpoint does not
// take: a misspelt filter would otherwise list everything. All problems
// are listed at once, as 400s.
func checkRequest(r *http.Request, wild []string, ps params) error {
	var out problems
	for _, name := range wild {
		if ve := cases.CheckText(name, r.PathValue(name), cases.MaxRefLength); ve != nil {
			out.add("bad_path", name, "path "+ve.Error())
		}
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		out.add("bad_query", "query", "the query string is malformed: "+err.Error())
	}
	for name, vals := range query {
		max, ok := ps[name]
		if !ok {
			field := name
			if cases.CheckText("", name, cases.MaxNameIDLength) != nil {
				field = "?" // a name that cannot be echoed back safely
			}
			out.add("bad_query", field, "unknown query parameter "+field+knownParams(ps))
			continue
		}
		for _, v := range vals {
			if ve := cases.CheckText(name, v, max); ve != nil {
				out.add("bad_query", name, ve.Error())
				break
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	out.sortByField()
	ae, _ := out.err().(*apiError)
	ae.Status = http.StatusBadRequest
	return ae
}

// knownParams says which parameters an endpoint takes, for the refusal.
func knownParams(ps params) string {
	if len(ps) == 0 {
		return "; this endpoint takes none"
	}
	names := make([]string, 0, len(ps))
	for n := range ps {
		names = append(names, n)
	}
	sort.Strings(names)
	return "; it takes " + strings.Join(names, ", ")
}
