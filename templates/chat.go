package templates

import "embed"

// Student holds the replies of the student conversation (studentchat),
// one text/template file a reply. Unlike messages, they are only the
// embedded ones: server.templates_dir does not reach them.
//
//go:embed student/*.tmpl
var Student embed.FS

// Pages holds the HTML pages opened from a link (html/template), such as
// the satisfaction survey, and their stylesheets (pages/*.css, served under
// /assets/): the pages' Content-Security-Policy refuses inline styles.
//
//go:embed pages/*.html pages/*.css
var Pages embed.FS
