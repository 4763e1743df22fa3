package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/storetest"
)

// A backup taken while the server runs, restored into a new data
// directory, starts and reveals the complainant it held.
func TestBackupRestoresARevealedContact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := embeddedConfig(t)
	a, err := build(ctx, cfg, wiring{})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.Load("", cfg.Server.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	sealCase(t, a.store, keys)
	list, err := a.store.ListCases(ctx, cases.Filter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("cases: %d, %v", len(list), err)
	}
	number := list[0].Number

	env := map[string]string{"JIESU_DATA_DIR": cfg.Server.DataDir}
	file := filepath.Join(t.TempDir(), "jiesu-backup.db")
	code, out, errs := run(t, env, "backup", file) // beside the running server
	a.close()
	if code != 0 || !strings.Contains(out, file+".key") {
		t.Fatalf("backup: exit %d, %q %q", code, out, errs)
	}
	for _, p := range []string{file, file + ".key"} {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want mode 0600", p, info, err)
		}
	}
	if code, _, errs := run(t, env, "backup", file); code != 1 || !strings.Contains(errs, "never writes over") {
		t.Errorf("backup onto an existing file: exit %d, %q", code, errs)
	}
	pg := map[string]string{"JIESU_DATA_DIR": cfg.Server.DataDir, "JIESU_DATABASE_URL": "postgres://jiesu@db/jiesu", "JIESU_SECURITY_ENCRYPTION_KEYS": "k1:" + strings.Repeat("A", 43) + "="}
	if code, _, errs := run(t, pg, "backup", filepath.Join(t.TempDir(), "x.db")); code != 1 || !strings.Contains(errs, "pg_dump") {
		t.Errorf("backup on PostgreSQL: exit %d, %q; want pointed to pg_dump", code, errs)
	}

	restored := embeddedConfig(t)
	copyFile(t, file, filepath.Join(restored.Server.DataDir, "jiesu.db"))
	copyFile(t, file+".key", filepath.Join(restored.Server.DataDir, secret.KeyFileName))
	b, err := build(ctx, restored, wiring{})
	if err != nil {
		t.Fatalf("start on the restored backup: %v", err)
	}
	defer b.close()
	who, err := b.svc.Reveal(ctx, storetest.Office(), number)
	if err != nil || who.Name != "张三" || who.Contact != "13812345678" {
		t.Errorf("reveal on the restored backup: %+v, %v", who, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
