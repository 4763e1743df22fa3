package templates

import "embed"

// Student holds the replies of the student conversation (studentchat),
// one text/template file a reply, with the same override rule as messages:
// <dir>/student/<name>.tmpl replaces the embedded one.
//
//go:embed student/*.tmpl
var Student embed.FS

// Pages holds the HTML pages students open from a link (html/template),
// such as the satisfaction survey.
//
//go:embed pages/*.html
var Pages embed.FS
