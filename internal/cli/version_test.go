package cli

import (
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

func TestVersionNeedsNoConfig(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}, {"--config", "/nonexistent.yaml", "version"}} {
		code, out, errs := run(t, map[string]string{}, args...)
		if code != 0 || !strings.HasPrefix(out, "jiesu ") || !strings.Contains(out, "commit ") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("%v: exit %d, %q %q", args, code, out, errs)
		}
	}
}

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	env := map[string]string{"JIESU_DATA_DIR": t.TempDir(), "JIESU_LISTEN": ":" + port}
	if code, out, errs := run(t, env, "healthcheck"); code != 0 || out != "healthy\n" {
		t.Errorf("healthy server: exit %d, %q %q", code, out, errs)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	_ = ln.Close()
	env["JIESU_LISTEN"] = closed
	if code, _, errs := run(t, env, "healthcheck"); code != 1 || !strings.Contains(errs, "health check") {
		t.Errorf("no server: exit %d, %q", code, errs)
	}
}

func TestHealthURL(t *testing.T) {
	t.Parallel()
	for listen, want := range map[string]string{
		":8080":          "http://127.0.0.1:8080/readyz",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/readyz",
		"[::]:9000":      "http://127.0.0.1:9000/readyz",
		"10.0.0.5:8080":  "http://10.0.0.5:8080/readyz",
		"localhost:8081": "http://localhost:8081/readyz",
	} {
		if got, err := healthURL(listen); err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", listen, got, err, want)
		}
	}
	if _, err := healthURL("8080"); err == nil {
		t.Error("a listen address without a colon was accepted")
	}
}
