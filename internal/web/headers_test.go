package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/storetest"
	"github.com/jiesu/jiesu/internal/web"
)

// Every response carries the headers, so an HTML page given in Routes
// cannot be served without them; the pages' stylesheets are the only
// assets, served as CSS.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	t.Parallel()
	st := storetest.NewSQLite(t)
	page := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!DOCTYPE html><p>页</p>")
	})
	srv := web.New(web.Options{Log: zap.NewNop(), Metrics: metrics.New(metrics.Options{Source: st}),
		Ready: func(ctx context.Context) error { return nil }, MaxBodyBytes: 1 << 10,
		Routes: []web.Route{{Pattern: "GET /page", Handler: page}}})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	// A redirect is shown as it is answered.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	}
	for _, tc := range []struct {
		path        string
		status      int
		contentType string
	}{
		{"/page", http.StatusOK, "text/html"},
		{"/healthz", http.StatusOK, "application/json"},
		{"/api/v1/me", http.StatusUnauthorized, "application/json"},
		{"/assets/survey.css", http.StatusOK, "text/css"},
		{"/assets/unit_case.css", http.StatusOK, "text/css"},
		{"/assets/survey.html", http.StatusNotFound, ""},
		{"/assets/..%2fchat.go", http.StatusNotFound, ""},
		{"/assets/nothing.css", http.StatusNotFound, ""},
		// The mux's own answers: no route, a wrong method, a path it
		// cleans with a redirect.
		{"/", http.StatusNotFound, ""},
		{"/nothing", http.StatusNotFound, ""},
		{"POST /healthz", http.StatusMethodNotAllowed, ""},
		{"/api//v1/me", http.StatusTemporaryRedirect, ""},
	} {
		method, path, ok := strings.Cut(tc.path, " ")
		if !ok {
			method, path = http.MethodGet, tc.path
		}
		req, _ := http.NewRequest(method, ts.URL+path, nil)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s = %d, want %d", tc.path, resp.StatusCode, tc.status)
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.contentType) {
			t.Errorf("%s Content-Type = %q, want %s", tc.path, resp.Header.Get("Content-Type"), tc.contentType)
		}
		if tc.contentType == "text/css" && !strings.Contains(string(body), "font-family") {
			t.Errorf("%s is not the stylesheet: %.60q", tc.path, body)
		}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s %s = %q, want %q", tc.path, k, got, v)
			}
		}
	}
}
