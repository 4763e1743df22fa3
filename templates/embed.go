// Package templates holds every text people read: chat messages now, pages
// later. They are embedded in the binary and parsed once at start (see
// internal/render); a directory given in the configuration can replace any
// of them file by file, keeping the same layout (messages/<name>.tmpl).
package templates

import "embed"

// FS is the embedded template tree.
//
//go:embed messages/*.tmpl
var FS embed.FS
