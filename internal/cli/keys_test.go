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

// A rotation as the README tells it: generate a key, put it first, reseal,
// and the old key can go.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	newEntry := func(id string) string {
		code, out, errs := run(t, nil, "keys", "generate", id)
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
	if code != 1 || !strings.Contains(errs, `"2025"`) || !strings.Contains(errs, "keep the keys") {
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
	code, out, errs := run(t, map[string]string{"JIESU_DATA_DIR": dir}, "check-config", "--config", file)
	if code != 1 || !strings.Contains(errs, file) {
		t.Errorf("check-config --config missing.yaml: exit %d, %q %q; want the file read and found missing", code, out, errs)
	}
}
