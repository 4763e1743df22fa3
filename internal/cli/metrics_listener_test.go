package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// scrapeApp reads the app's /metrics as the metrics listener serves it.
func scrapeApp(t testing.TB, a *app) string {
	t.Helper()
	rec := httptest.NewRecorder()
	metricsServer(a.metrics, zap.NewNop()).Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

// The metrics listener serves /metrics, and only that, on an address of
// its own.
func TestMetricsListener(t *testing.T) {
	t.Parallel()
	m := metrics.New(metrics.Options{})
	m.Delivered("wecom")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := metricsServer(m, zap.NewNop())
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	base := "http://" + ln.Addr().String()
	get := func(path string) (int, string) {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, `jiesu_outbox_deliveries_total{platform="wecom"} 1`) {
		t.Errorf("/metrics: %d %.200s", code, body)
	}
	for _, path := range []string{"/readyz", "/api/v1/cases", "/"} {
		if code, _ := get(path); code != http.StatusNotFound {
			t.Errorf("%s on the metrics listener: %d, want 404", path, code)
		}
	}
}

// As serve wires it: /metrics has the case, pool and step series.
func TestServeWiresMetrics(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		body := scrapeApp(t, h.app)
		for _, series := range []string{`jiesu_cases_open{tier="urgent"} 0`, `jiesu_cases_overdue{tier="general"} 0`,
			"jiesu_db_open_connections ", `jiesu_sla_steps_total{outcome="fired"} 0`} {
			if !strings.Contains(body, "\n"+series) {
				t.Errorf("/metrics lacks %s", series)
			}
		}
	})
}

// A PostgreSQL that stops answering: the driver's error names the user,
// the database and the host; /readyz says what kind of failure it is and
// nothing of those.
func TestReadyzDatabaseDownShowsNoConnectionDetails(t *testing.T) {
	t.Parallel()
	raw := storetest.MigratedPostgresURL(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	// A proxy of the test's own stands between jiesu and PostgreSQL, so
	// that the test can take the database away.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", u.Host)
			if err != nil {
				_ = c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, up)
			mu.Unlock()
			go func() { _, _ = io.Copy(up, c); _ = up.Close() }()
			go func() { _, _ = io.Copy(c, up); _ = c.Close() }()
		}
	}()
	proxied := *u
	proxied.Host = ln.Addr().String()
	st, err := store.Open(context.Background(), store.Options{URL: proxied.String(), MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	a, err := build(context.Background(), embeddedConfig(t), wiring{store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	srv := a.web

	_ = ln.Close()
	mu.Lock()
	for _, c := range conns {
		_ = c.Close()
	}
	mu.Unlock()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(body, "database unreachable") {
		t.Fatalf("readyz with the database gone: %d %s", rec.Code, body)
	}
	for _, leak := range []string{"user=", u.User.Username(), ln.Addr().String(), "127.0.0.1", strings.TrimPrefix(u.Path, "/") + ":"} {
		if leak != "" && strings.Contains(body, leak) {
			t.Errorf("readyz shows %q: %s", leak, body)
		}
	}
}
