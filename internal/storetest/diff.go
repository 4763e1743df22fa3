package storetest

import (
	"go/token"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Diff describes how got differs from want (-want +got), or returns "" if
// they are equal. Instants compare with time.Time.Equal, so a time read
// back in UTC equals the one written in Asia/Shanghai; a nil slice or map
// equals an empty one, as a column read back empty does; unexported
// fields are not compared (domain types export all).
func Diff(want, got any) string {
	return cmp.Diff(want, got, cmpopts.EquateEmpty(), ignoreUnexported)
}

var ignoreUnexported = cmp.FilterPath(func(p cmp.Path) bool {
	f, ok := p.Last().(cmp.StructField)
	return ok && !token.IsExported(f.Name())
}, cmp.Ignore())
