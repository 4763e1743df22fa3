package web

import "net/http"

// contentSecurityPolicy lets a page load only its own stylesheets and
// images and post its forms only to jiesu: a complaint or a result that got
// past escaping still cannot run a script, pull a resource from elsewhere
// or send a form away. No page may be framed, so a page cannot be dressed
// up as someone else's.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// securityHeaders are set on every response, not only the HTML pages', so
// a page given in Options.Routes cannot be forgotten; on JSON they cost
// nothing.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	// For browsers that predate frame-ancestors.
	h.Set("X-Frame-Options", "DENY")
}
