package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// A rotation as docs/configuration.md tells it: generate a key, put it first, reseal,
// and the old key can go.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	// No key yet is why one is generated: a configuration that needs keys
	// (PostgreSQL) must not stop it.
	noKeys := map[string]string{"JIESU_DATABASE_URL": "postgres://jiesu@db/jiesu"}
	newEntry := func(id string) string {
		code, out, errs := run(t, noKeys, "keys", "generate", id)
		if code != 0 {
			t.Fatalf("keys generate %s: exit %d, %q", id, code, errs)
		}
		return strings.TrimSpace(out)
	}
	k1, k2 := newEntry("2025"), newEntry("2026")
	if !strings.HasPrefix(k2, "2026:") || k1 == k2 {
		t.Fatalf("keys generate: %q, %q", k1, k2)
	}
	if code, _, errs := run(t, nil, "keys", "generate", "no spaces"); code != 1 || !strings.Contains(errs, "letters, digits") {
		t.Errorf("bad key id: exit %d, %q", code, errs)
	}

	dir := t.TempDir()
	old, err := secret.ParseKeyring(k1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(dir, "jiesu.db")})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	name, _ := old.Seal("张三")
	phone, _ := old.Seal("13812345678")
	c := storetest.Create(t, st, storetest.NewCase(t, time.Now(), "logistics", func(in *cases.Intake) {
		in.Complainant.NameSealed, in.Complainant.ContactSealed = name, phone
	}))
	st.Close()

	env := map[string]string{"JIESU_DATA_DIR": dir, "JIESU_SECURITY_ENCRYPTION_KEYS": k2}
	code, out, errs := run(t, env, "keys", "reseal")
	if code != 1 || !strings.Contains(errs, `2 values are under key "2025", which security.encryption_keys lacks`) || strings.Contains(errs, "张三") {
		t.Errorf("reseal without the old key: exit %d, %q %q; want refused naming key 2025", code, out, errs)
	}
	env["JIESU_SECURITY_ENCRYPTION_KEYS"] = k2 + "," + k1
	code, out, errs = run(t, env, "keys", "reseal")
	if code != 0 || !strings.Contains(out, "cases.complainant_name_sealed") || !strings.Contains(out, `under key "2026"`) {
		t.Fatalf("reseal: exit %d, %q %q", code, out, errs)
	}

	st, err = store.Open(ctx, store.Options{SQLitePath: filepath.Join(dir, "jiesu.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	rotated, _ := secret.ParseKeyring(k2) // the old key retired
	if who, err := rotated.Open(got.Complainant.NameSealed); err != nil || who != "张三" {
		t.Errorf("name after reseal opens to %q, %v with the new key alone", who, err)
	}
}

func TestFlagsAfterTheCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "jiesu.yaml")
	for _, args := range [][]string{
		{"check-config", "--config", file},
		{"keys", "reseal", "--config", file},
		{"token", "create", "--config", file, "office-wang"},
		{"token", "list", "--config=" + file},
	} {
		code, out, errs := run(t, map[string]string{"JIESU_DATA_DIR": dir}, args...)
		if code != 1 || !strings.Contains(errs, file) {
			t.Errorf("%q: exit %d, %q %q; want the missing file read and refused", args, code, out, errs)
		}
	}
}
