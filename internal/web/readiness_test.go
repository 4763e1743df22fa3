package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/web"
)

func probe(t *testing.T, ready web.Readiness, path string) (int, map[string]string) {
	t.Helper()
	srv := web.New(web.Options{Log: zap.NewNop(), Metrics: metrics.New(metrics.Options{}), Ready: ready})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	var body map[string]string
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	return rec.Code, body
}

// A database outage's driver error names the user, the database and the
// host; /readyz gives its reason instead, and a failure with no reason of
// its own shows a fixed sentence, never its text.
func TestReadyzNeverEchoesTheError(t *testing.T) {
	t.Parallel()
	dsn := errors.New(`failed to connect to user=jiesu database=jiesu: 10.1.2.3:5432 (db.internal.example.edu.cn): FATAL: password authentication failed <script>alert(1)</script>`)
	for _, tc := range []struct {
		name  string
		err   error
		wants []string
	}{
		{"with a reason", web.NotReady("database unreachable", fmt.Errorf("database: %w", dsn)), []string{"database unreachable"}},
		{"wrapped reason", fmt.Errorf("check: %w", web.NotReady("数据库无法连接", dsn)), []string{"数据库无法连接"}},
		{"no reason", fmt.Errorf("wecom: %w", dsn), []string{"server log"}},
		{"several", errors.Join(web.NotReady("database unreachable", dsn), web.NotReady("scheduled jobs stale", dsn), dsn),
			[]string{"database unreachable", "scheduled jobs stale", "server log"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := probe(t, func(context.Context) error { return tc.err }, "/readyz")
			if code != http.StatusServiceUnavailable || body["status"] != "unavailable" {
				t.Fatalf("readyz: %d %v", code, body)
			}
			for _, leak := range []string{"user=", "jiesu database", "10.1.2.3", "5432", "db.internal", "FATAL", "<script>"} {
				if strings.Contains(body["reason"], leak) {
					t.Errorf("reason %q shows %q", body["reason"], leak)
				}
			}
			for _, w := range tc.wants {
				if !strings.Contains(body["reason"], w) {
					t.Errorf("reason %q lacks %q", body["reason"], w)
				}
			}
		})
	}
}

func TestAllReadyRunsEveryCheck(t *testing.T) {
	t.Parallel()
	ran := 0
	check := func(err error) web.Readiness {
		return func(context.Context) error { ran++; return err }
	}
	_, body := probe(t, web.AllReady(check(web.NotReady("first", errors.New("x"))), check(nil), check(web.NotReady("third", errors.New("y")))), "/readyz")
	if ran != 3 || body["reason"] != "first; third" {
		t.Errorf("ran %d checks, reason %q", ran, body["reason"])
	}
	if code, body := probe(t, web.AllReady(check(nil)), "/readyz"); code != http.StatusOK || body["status"] != "ready" {
		t.Errorf("all good: %d %v", code, body)
	}
}

// /metrics is not on the main port, the one WeChat and WeCom reach.
func TestMetricsNotOnTheMainPort(t *testing.T) {
	t.Parallel()
	code, _ := probe(t, func(context.Context) error { return nil }, "/metrics")
	if code != http.StatusNotFound {
		t.Errorf("GET /metrics on the main server: %d, want 404", code)
	}
}
