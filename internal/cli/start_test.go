package cli

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/version"
)

// logLines decodes stderr as serve's log: every line one JSON object.
func logLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q\nin:\n%s", l, stderr)
		}
		lines = append(lines, m)
	}
	return lines
}

// A start that fails after the log is up: the version and the config's
// source come first, the example's warning next, and the exit error is a
// JSON line like the rest. Not parallel: serve routes the libraries'
// process-wide loggers.
func TestServeLogsItsStartAndExitAsJSON(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	env := map[string]string{"JIESU_DATA_DIR": t.TempDir(), "JIESU_LISTEN": ln.Addr().String()}
	code, _, errs := run(t, env, "serve")
	if code != 1 {
		t.Fatalf("serve on a taken port: exit %d\n%s", code, errs)
	}
	lines := logLines(t, errs)
	first, last := lines[0], lines[len(lines)-1]
	if first["msg"] != "starting jiesu" || first["version"] != version.Get().Version || first["config"] != "embedded example" {
		t.Errorf("first line %v", first)
	}
	if w := lines[1]; w["level"] != "warn" || !strings.Contains(w["msg"].(string), "built-in example") {
		t.Errorf("second line %v, want the example's warning", w)
	}
	if last["level"] != "error" || last["msg"] != "exiting" || !strings.Contains(last["error"].(string), "address already in use") {
		t.Errorf("last line %v", last)
	}
	if _, ok := last["stacktrace"]; ok {
		t.Errorf("the exit line carries serve's stack: %v", last)
	}
	if strings.Count(errs, "address already in use") != 1 {
		t.Errorf("the exit error is written more than once:\n%s", errs)
	}

	// A refused configuration is one JSON line too, naming the variable.
	env["JIESU_OUTBOX_MAX_ATEMPTS"] = "3"
	code, _, errs = run(t, env, "serve")
	if lines := logLines(t, errs); code != 1 || len(lines) != 1 || !strings.Contains(lines[0]["error"].(string), "did you mean JIESU_OUTBOX_MAX_ATTEMPTS?") {
		t.Errorf("typo: exit %d\n%s", code, errs)
	}
}

func TestDeployersMistakesAreNamed(t *testing.T) {
	t.Parallel()
	// Refused even to root: /sys is a read-only kernel file system.
	code, _, errs := run(t, map[string]string{"JIESU_DATA_DIR": "/sys"}, "migrate")
	if code != 1 || !strings.Contains(errs, "data directory /sys") || !strings.Contains(errs, "permission denied") {
		t.Errorf("unwritable data dir: exit %d, %q", code, errs)
	}
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs = run(t, map[string]string{"JIESU_DATA_DIR": file}, "token", "list"); code != 1 || !strings.Contains(errs, "data directory "+file) {
		t.Errorf("data dir is a file: exit %d, %q", code, errs)
	}

	code, out, errs := run(t, map[string]string{"JIESU_DATA_DIR": t.TempDir()}, "check-config")
	if code != 0 || !strings.HasSuffix(out, "\nconfig OK\n") {
		t.Errorf("check-config: exit %d, ends %q, %q", code, out[max(0, len(out)-40):], errs)
	}
}
