package store_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const storePath = "github.com/jiesu/jiesu/internal/store"

// TestNoStorageImports keeps storage behind interfaces: the platforms under
// bot/ and the front ends (chat, survey, the JSON API) import nothing from
// the store; they know the domain's types (internal/cases) and the
// interfaces they declare, which the service or the store satisfies.
func TestNoStorageImports(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	check := func(dir string, tests bool) {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			if !tests && strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range f.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == storePath || strings.HasPrefix(p, storePath+"/") {
					t.Errorf("%s imports %s", path, p)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("walk %s: %v", dir, err)
		}
	}
	check("bot", true)
	for _, dir := range []string{"internal/studentchat", "internal/unitchat", "internal/survey"} {
		check(dir, true)
	}
	// The API's tests build a real store to serve from.
	check("internal/web", false)
}
