package web

import (
	"io/fs"
	"net/http"
	"path"

	"github.com/jiesu/jiesu/templates"
)

// AssetsPath is where the pages' own stylesheets are served; the
// Content-Security-Policy allows a page nothing else.
const AssetsPath = "/assets/"

// assets serves the stylesheets embedded beside the pages
// (templates/pages/*.css), and nothing else of that tree.
func assets(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if path.Ext(name) != ".css" || name != path.Base(name) {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(templates.Pages, "pages/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}
