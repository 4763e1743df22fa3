// Package web serves jiesu over HTTP: the JSON API under /api/v1, and the
// health and readiness probes. Chat callbacks and pages are given to New
// as Routes and share the mux; /metrics has a listener of its own
// (cli.metricsServer).
package web

import (
	"context"
	"net/http"
	"net/netip"
	"strings"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/service"
)

// OutboxCounter counts the outbox's messages by state; the store is one.
// /readyz shows the dead ones: they do not make the service unready (new
// messages still go out), but a probe is where an operator looks first.
type OutboxCounter interface {
	OutboxCounts(ctx context.Context) (map[cases.OutboxState]int, error)
}

// Server is the HTTP front of jiesu.
type Server struct {
	svc     *service.Service
	tokens  *auth.Tokens
	clock   clock.Clock
	log     *zap.Logger
	metrics *metrics.Metrics
	ready   Readiness
	redis   func() string
	outbox  OutboxCounter
	// trustedProxies are the peers whose X-Forwarded-For the access log
	// believes.
	trustedProxies []netip.Prefix
	maxBodyBytes   int64
	mux            *http.ServeMux
}

// Options configure a Server.
type Options struct {
	Service *service.Service
	Tokens  *auth.Tokens
	Clock   clock.Clock
	Log     *zap.Logger
	Metrics *metrics.Metrics
	Ready   Readiness
	// Redis says how the shared Redis is ("ok", or since when it does not
	// answer); /readyz shows it. Nil: no Redis is configured.
	Redis  func() string
	Outbox OutboxCounter // nil leaves the dead count out of /readyz
	// TrustedProxies are server.trusted_proxies: the access log reads the
	// client's address from X-Forwarded-For past them.
	TrustedProxies []netip.Prefix
	MaxBodyBytes   int64
	// Routes are the chat platforms' callbacks and pages, served beside
	// the API with the same request id, logging, metrics and body limit.
	Routes []Route
}

// Route is one handler another package serves on the server.
type Route struct {
	Pattern string // as http.ServeMux takes it
	Handler http.Handler
}

// New builds the server and its routes.
func New(o Options) *Server {
	s := &Server{
		svc: o.Service, tokens: o.Tokens, clock: o.Clock, log: o.Log, metrics: o.Metrics,
		ready: o.Ready, redis: o.Redis, outbox: o.Outbox, trustedProxies: o.TrustedProxies, maxBodyBytes: o.MaxBodyBytes,
		mux: http.NewServeMux(),
	}
	s.routes()
	for _, r := range o.Routes {
		s.mount(r.Pattern, r.Handler)
	}
	return s
}

func (s *Server) routes() {
	s.handle("GET /healthz", s.healthz)
	s.handle("GET /readyz", s.readyz)
	s.handle("GET "+AssetsPath+"{file}", assets)

	s.api("GET /api/v1/me", nil, s.me)
	s.api("POST /api/v1/cases", nil, s.createCase)
	s.api("GET /api/v1/cases", listParams, s.listCases)
	s.api("GET /api/v1/cases/{ref}", nil, s.getCase)
	s.api("GET /api/v1/cases/{ref}/events", nil, s.caseEvents)
	s.api("POST /api/v1/cases/{ref}/reveal", nil, s.reveal)
	s.api("POST /api/v1/cases/{ref}/{action}", nil, s.act)
	s.api("GET /api/v1/follow-ups", limitParams, s.followUps)
	s.api("GET /api/v1/incidents/{id}", nil, s.getIncident)
	s.api("POST /api/v1/incidents/{id}/cases", nil, s.addToIncident)
	s.api("DELETE /api/v1/incidents/{id}/cases/{ref}", nil, s.removeFromIncident)
	s.api("POST /api/v1/incidents/{id}/{action}", nil, s.actOnIncident)
	s.api("GET /api/v1/outbox", outboxParams, s.listOutbox)
	s.api("POST /api/v1/outbox/retry-dead", nil, s.retryDead)
	s.api("POST /api/v1/outbox/{id}/{action}", nil, s.actOnMessage)
	s.handle(apiRoot, s.noRoute)
}

// apiRoot catches every API path no endpoint took.
const apiRoot = "/api/"

// probeMethods are the methods noRoute tries on a path.
var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// noRoute answers a path no endpoint took: 405 with Allow when the path
// is an endpoint's under another method, else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range probeMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != apiRoot && pattern != "" {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": apiError{Code: "method_not_allowed", Message: r.Method + " is not allowed here; use " + strings.Join(allow, ", ")}})
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"error": apiError{Code: "not_found", Message: "no such endpoint"}})
}

// mount serves h at pattern with the same request id, logging, metrics and
// body limit as the API.
func (s *Server) mount(pattern string, h http.Handler) {
	s.mux.Handle(pattern, s.wrap(pattern, h))
}

func (s *Server) handle(pattern string, h http.HandlerFunc) { s.mount(pattern, h) }

// api mounts an authenticated JSON endpoint that takes the query
// parameters ps; its query and path are checked before h runs.
func (s *Server) api(pattern string, ps params, h func(http.ResponseWriter, *http.Request, actorCtx)) {
	wild := wildcards(pattern)
	s.mount(pattern, s.authenticated(func(w http.ResponseWriter, r *http.Request, actor actorCtx) {
		if err := checkRequest(r, wild, ps); err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r, actor)
	}))
}

// ServeHTTP makes the server an http.Handler.
// The security headers are set here, before the mux, so that its own
// answers (404 for an unknown path, 405, a redirect to a cleaned path) carry
// them too.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	s.mux.ServeHTTP(w, r)
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
