package cli

import (
	"context"
	"errors"
	"os"
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
	for _, want := range []string{`security.encryption_keys must keep "2026" first`, "2025 may leave the keys", "retired in the database: 2025", "check-config"} {
		if !strings.Contains(out, want) {
			t.Errorf("reseal does not say %q:\n%s", want, out)
		}
	}
	// check-config verifies the configuration the reseal asked for, and
	// refuses one that would lose the data at the next start.
	env["JIESU_SECURITY_ENCRYPTION_KEYS"] = k2
	if code, _, errs := run(t, env, "check-config"); code != 0 || !strings.Contains(errs, `keys: 2026 from security.encryption_keys fit the database`) {
		t.Errorf("check-config with the new key alone: exit %d, %q", code, errs)
	}
	env["JIESU_SECURITY_ENCRYPTION_KEYS"] = k1
	if code, _, errs := run(t, env, "check-config"); code != 1 || !strings.Contains(errs, `values are sealed under key "2026"`) {
		t.Errorf("check-config with the old key alone: exit %d, %q; want refused naming 2026", code, errs)
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

// Rotating away from the key file the first start made: after the reseal
// the file holds only the retired key, which the command says, and
// check-config and a start refuse to fall back on it.
func TestResealAwayFromTheKeyFile(t *testing.T) {
	t.Parallel()
	cfg := embeddedConfig(t)
	a, err := build(context.Background(), cfg, wiring{})
	if err != nil {
		t.Fatal(err)
	}
	path := keyFilePath(cfg)
	keys, err := secret.Load("", cfg.Server.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	sealCase(t, a.store, keys)
	a.close()
	fileEntry, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := secret.GenerateKey("k2027")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"JIESU_DATA_DIR": cfg.Server.DataDir, "JIESU_SECURITY_ENCRYPTION_KEYS": fresh + "," + strings.TrimSpace(string(fileEntry))}
	code, out, errs := run(t, env, "keys", "reseal")
	if code != 0 || !strings.Contains(out, path+` does not hold "k2027"`) || !strings.Contains(out, "never unset security.encryption_keys") {
		t.Fatalf("reseal: exit %d, %q %q; want it to warn about %s", code, out, errs, path)
	}
	if code, _, errs := run(t, env, "check-config"); code != 0 || !strings.Contains(errs, "is not read while security.encryption_keys is set") {
		t.Errorf("check-config with the rotated keys: exit %d, %q", code, errs)
	}
	delete(env, "JIESU_SECURITY_ENCRYPTION_KEYS")
	if code, _, errs := run(t, env, "check-config"); code != 1 || !strings.Contains(errs, `values are sealed under key "k2027"`) {
		t.Errorf("check-config falling back on the key file: exit %d, %q; want refused", code, errs)
	}
	if _, err := build(context.Background(), cfg, wiring{}); !errors.Is(err, store.ErrKeyMissing) {
		t.Errorf("a start falling back on the key file: %v, want ErrKeyMissing", err)
	}
}
