package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// run runs a command line with env as the whole environment.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	names := func() []string { return slices.Collect(maps.Keys(env)) }
	code := Run(context.Background(), args, Env{Lookup: lookup, Names: names, Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func TestCheckConfigMasksSecrets(t *testing.T) {
	t.Parallel()
	key := "k1:" + base64.StdEncoding.EncodeToString([]byte("a 32-byte key, kept out of view!"))
	dataDir := t.TempDir()
	env := map[string]string{"JIESU_DATABASE_URL": "postgres://jiesu:hunter2@db/jiesu", "JIESU_SECURITY_ENCRYPTION_KEYS": key, "JIESU_DATA_DIR": dataDir}
	code, out, errs := run(t, env, "check-config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, "hunter2") || strings.Contains(out, key[3:]) || !strings.Contains(out, "******") {
		t.Errorf("secret not masked:\n%s", out)
	}
	if !strings.Contains(out, "school_office") {
		t.Errorf("effective config missing units:\n%s", out)
	}
	// Effective: a default that follows another key shows as it follows.
	if want := "attachments_dir: " + filepath.Join(dataDir, "attachments"); !strings.Contains(out, want) {
		t.Errorf("effective config lacks %q:\n%s", want, out)
	}
}

func TestInvalidConfigIsRefusedWithTheKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("server:\n  listen: \":8080\"\n  lisen: oops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, map[string]string{}, "--config", bad, "check-config")
	if code != 1 || !strings.Contains(errs, "server.lisen") {
		t.Errorf("exit %d, stderr %q: want 1 naming server.lisen", code, errs)
	}
	code, _, errs = run(t, map[string]string{"JIESU_OUTBOX_MAX_ATTEMPTS": "many", "JIESU_DATA_DIR": dir}, "check-config")
	if code != 1 || !strings.Contains(errs, "JIESU_OUTBOX_MAX_ATTEMPTS") {
		t.Errorf("exit %d, stderr %q: want 1 naming the variable", code, errs)
	}
}

func TestMigrateAndTokenOnTheEmbeddedDefault(t *testing.T) {
	t.Parallel()
	env := map[string]string{"JIESU_DATA_DIR": t.TempDir()}
	code, out, errs := run(t, env, "migrate")
	if code != 0 || !strings.Contains(out, "sqlite schema at version") {
		t.Fatalf("migrate: exit %d, %q %q", code, out, errs)
	}
	code, out, errs = run(t, env, "token", "create", "office-wang")
	if code != 0 || !strings.HasPrefix(out, "jsu_") {
		t.Fatalf("token create: exit %d, %q %q", code, out, errs)
	}
	code, _, errs = run(t, env, "token", "create", "nobody")
	if code != 1 || !strings.Contains(errs, "nobody") {
		t.Errorf("token for an unknown member: exit %d, %q", code, errs)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	if code, _, _ := run(t, nil, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if code, out, _ := run(t, nil, "help"); code != 0 || !strings.Contains(out, "token create") ||
		!strings.Contains(out, "token list") || !strings.Contains(out, "token revoke") {
		t.Errorf("help: exit %d", code)
	}
}

func TestTokenListAndRevoke(t *testing.T) {
	t.Parallel()
	env := map[string]string{"JIESU_DATA_DIR": t.TempDir()}
	tokens := map[string]string{}
	for _, member := range []string{"office-wang", "hotline-chen"} {
		code, out, errs := run(t, env, "token", "create", member)
		if code != 0 {
			t.Fatalf("token create %s: exit %d, %q", member, code, errs)
		}
		tokens[member] = strings.TrimSpace(out)
	}
	id := func(member string) string { return auth.Hash(tokens[member])[:store.TokenIDLen] }

	code, out, errs := run(t, env, "token", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("token list: exit %d, %q %q; want two lines", code, out, errs)
	}
	for _, member := range []string{"office-wang", "hotline-chen"} {
		if !strings.Contains(out, id(member)+"  "+member) {
			t.Errorf("token list has no line for %s's token %s:\n%s", member, id(member), out)
		}
	}
	if !strings.HasSuffix(lines[0], "+08:00") || strings.Contains(out, "jsu_") {
		t.Errorf("token list: want Shanghai times and no token:\n%s", out)
	}
	code, out, _ = run(t, env, "token", "list", "hotline-chen")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, id("hotline-chen")) {
		t.Errorf("token list hotline-chen: exit %d, %q", code, out)
	}

	code, out, errs = run(t, env, "token", "revoke", id("hotline-chen"))
	if code != 0 || !strings.Contains(out, "revoked token "+id("hotline-chen")) || !strings.Contains(out, "30s") {
		t.Fatalf("token revoke: exit %d, %q %q", code, out, errs)
	}
	if code, out, _ = run(t, env, "token", "list"); code != 0 || strings.Contains(out, "hotline-chen") || !strings.Contains(out, "office-wang") {
		t.Errorf("token list after revoke: exit %d,\n%s", code, out)
	}
	if code, out, _ = run(t, env, "token", "list", "hotline-chen"); code != 0 || out != "" {
		t.Errorf("token list of a member without tokens: exit %d, %q", code, out)
	}

	code, _, errs = run(t, env, "token", "revoke", id("hotline-chen"))
	if code != 1 || !strings.Contains(errs, "not found") || !strings.Contains(errs, "token list") {
		t.Errorf("revoke an unknown id: exit %d, %q", code, errs)
	}
	code, _, errs = run(t, env, "token", "revoke", tokens["office-wang"])
	if code != 1 || !strings.Contains(errs, "hex characters") || strings.Contains(errs, tokens["office-wang"]) {
		t.Errorf("revoke given the token itself: exit %d, %q; want refused without echoing it", code, errs)
	}
	if code, _, _ = run(t, env, "token", "revoke"); code != 2 {
		t.Errorf("token revoke without an id: exit %d, want 2", code)
	}
}

// check-config fails where serve would refuse: on a database that a newer
// jiesu migrated.
func TestCheckConfigRefusesANewerSchema(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"JIESU_DATA_DIR": dir}
	if code, _, errs := run(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	st := storetest.Open(t, store.Options{SQLitePath: filepath.Join(dir, "jiesu.db")})
	_, latest, err := st.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "jiesu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, latest+1, "2026-12-08T00:00:00.000000Z"); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, env, "check-config")
	if code != 1 || !strings.Contains(errs, "newer") || strings.Contains(errs, "<nil>") || strings.Contains(errs, "run jiesu migrate") {
		t.Errorf("check-config on a newer schema: exit %d, %q; want 1, saying it is newer", code, errs)
	}
}
