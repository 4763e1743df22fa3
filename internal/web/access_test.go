package web_test

import (
	"net/http"
	"net/netip"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
	"github.com/jiesu/jiesu/internal/web"
)

func TestAccessLog(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		core, logs := observer.New(zapcore.InfoLevel)
		b := setupWith(t, st, func(o *web.Options) {
			o.Log = zap.New(core)
			// The test's own connections come from 127.0.0.1: a proxy.
			o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")}
		})
		b.must(t, http.StatusOK, "", "GET", "/healthz", nil)
		b.must(t, http.StatusOK, "", "GET", "/readyz", nil)
		const n = 40
		for range n {
			b.call(t, "office", "GET", "/api/v1/me", nil, "X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.1.2.3")
		}
		b.call(t, "", "GET", "/api/v1/me", nil, "X-Forwarded-For", "<script>, 203.0.113.9")

		lines := logs.FilterMessage("request").All()
		if len(lines) != n+1 {
			t.Fatalf("%d request lines at info, want %d (one per request, probes at debug only)", len(lines), n+1)
		}
		got := lines[0].ContextMap()
		if got["route"] != "GET /api/v1/me" || got["status"] != int64(200) || got["member"] != b.member["office"] ||
			got["remote_addr"] != "203.0.113.7" || got["method"] != "GET" {
			t.Errorf("access line %v", got)
		}
		if d, ok := got["duration_seconds"].(float64); !ok || d <= 0 || d > 10 {
			t.Errorf("duration_seconds = %v", got["duration_seconds"])
		}
		last := lines[n].ContextMap()
		if last["status"] != int64(401) || last["member"] != "" || last["remote_addr"] != "203.0.113.9" {
			t.Errorf("unauthenticated line %v", last)
		}
	})
}

func TestAccessLogWithoutTrustedProxies(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		core, logs := observer.New(zapcore.DebugLevel)
		b := setupWith(t, st, func(o *web.Options) { o.Log = zap.New(core) })
		b.call(t, "office", "GET", "/api/v1/me", nil, "X-Forwarded-For", "203.0.113.7")
		b.must(t, http.StatusOK, "", "GET", "/healthz", nil)
		lines := logs.FilterMessage("request").All()
		if len(lines) != 2 || lines[0].ContextMap()["remote_addr"] != "127.0.0.1" {
			t.Fatalf("lines %v: a forged X-Forwarded-For was believed", lines)
		}
		if lines[1].Level != zapcore.DebugLevel || lines[1].ContextMap()["route"] != "GET /healthz" {
			t.Errorf("probe line %v", lines[1])
		}
	})
}
