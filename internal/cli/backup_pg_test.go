package cli

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/storetest"
)

// The PostgreSQL recipe of the documentation: pg_dump in its custom
// format, the database lost, pg_restore, and a start with the same keys
// reveals the complainant again. The test's database is one schema, so
// it dumps that schema alone.
func TestPgDumpRestoresARevealedContact(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" || os.Getenv("JIESU_REQUIRE_SERVICES") != "" {
				t.Fatalf("%s is required: %v", tool, err)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	ctx := context.Background()
	withSchema := storetest.PostgresURL(t)
	u, err := url.Parse(withSchema)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path") // pgx's, not libpq's
	u.RawQuery = q.Encode()
	base := u.String()

	entry, err := secret.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	cfg := embeddedConfig(t)
	cfg.Database.URL, cfg.Security.EncryptionKeys = withSchema, entry
	a, err := build(ctx, cfg, wiring{})
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := secret.ParseKeyring(entry)
	sealCase(t, a.store, keys)
	list, err := a.store.ListCases(ctx, cases.Filter{})
	a.close()
	if err != nil || len(list) != 1 {
		t.Fatalf("cases: %d, %v", len(list), err)
	}

	dump := filepath.Join(t.TempDir(), "jiesu.dump")
	pgTool(t, "pg_dump", "--format=custom", "--schema="+schema, "--file="+dump, base)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
		t.Fatal(err)
	}
	pgTool(t, "pg_restore", "--no-owner", "--dbname="+base, dump)

	b, err := build(ctx, cfg, wiring{})
	if err != nil {
		t.Fatalf("start on the restored dump: %v", err)
	}
	defer b.close()
	who, err := b.svc.Reveal(ctx, storetest.Office(), list[0].Number)
	if err != nil || who.Name != "张三" || who.Contact != "13812345678" {
		t.Errorf("reveal on the restored dump: %+v, %v", who, err)
	}
}

func pgTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}
