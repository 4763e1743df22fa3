package store

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
)

// A migration, once landed, may have run on someone's database: editing it
// would leave that database unlike a fresh one with no error anywhere.
// migrations/SHA256SUMS holds each file's hash; this test fails when a
// listed file changes or goes, and when a new one is not listed yet (add
// its line with sha256sum, as the file's own lines were made).
func TestMigrationsAreAppendOnly(t *testing.T) {
	t.Parallel()
	f, err := os.Open("migrations/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q: want <sha256>  <dialect>/<file>", sc.Text())
		}
		listed[name] = sum
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	err = fs.WalkDir(migrationFiles, "migrations", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".sql" {
			return err
		}
		name := strings.TrimPrefix(p, "migrations/")
		seen[name] = true
		b, err := fs.ReadFile(migrationFiles, p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		switch want, ok := listed[name]; {
		case !ok:
			t.Errorf("%s is not in migrations/SHA256SUMS: add its line once it is final", name)
		case want != hex.EncodeToString(h[:]):
			t.Errorf("%s was edited after it landed: put the change in a new migration", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range listed {
		if !seen[name] {
			t.Errorf("%s is listed in SHA256SUMS but gone: a landed migration stays", name)
		}
	}
}
