package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs a command line with env as the whole environment.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	code := Run(context.Background(), args, Env{Lookup: lookup, Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func TestCheckConfigMasksSecrets(t *testing.T) {
	t.Parallel()
	env := map[string]string{"JIESU_DATABASE_URL": "postgres://jiesu:hunter2@db/jiesu", "JIESU_DATA_DIR": t.TempDir()}
	code, out, errs := run(t, env, "check-config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, "hunter2") || !strings.Contains(out, "******") {
		t.Errorf("secret not masked:\n%s", out)
	}
	if !strings.Contains(out, "school_office") {
		t.Errorf("effective config missing units:\n%s", out)
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
	if code, out, _ := run(t, nil, "help"); code != 0 || !strings.Contains(out, "token create") {
		t.Errorf("help: exit %d", code)
	}
}
