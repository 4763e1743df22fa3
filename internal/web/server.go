// Package web serves jiesu over HTTP: the JSON API under /api/v1, health and
// readiness probes, and metrics. Chat callbacks mount their own handlers on
// the same mux.
package web

import (
	"context"
	"net/http"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/service"
)

// Readiness reports whether the service can take traffic: the database is
// reachable and its schema is the one this binary knows.
type Readiness func(ctx context.Context) error

// Server is the HTTP front of jiesu.
type Server struct {
	svc          *service.Service
	tokens       *auth.Tokens
	clock        clock.Clock
	log          *zap.Logger
	metrics      *metrics.Metrics
	ready        Readiness
	maxBodyBytes int64
	mux          *http.ServeMux
}

// Options configure a Server.
type Options struct {
	Service      *service.Service
	Tokens       *auth.Tokens
	Clock        clock.Clock
	Log          *zap.Logger
	Metrics      *metrics.Metrics
	Ready        Readiness
	MaxBodyBytes int64
}

// New builds the server and its routes.
func New(o Options) *Server {
	s := &Server{
		svc: o.Service, tokens: o.Tokens, clock: o.Clock, log: o.Log, metrics: o.Metrics,
		ready: o.Ready, maxBodyBytes: o.MaxBodyBytes, mux: http.NewServeMux(),
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.handle("GET /healthz", s.healthz)
	s.handle("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metrics.Handler())
	s.handle("GET "+AssetsPath+"{file}", assets)

	s.api("GET /api/v1/me", s.me)
	s.api("POST /api/v1/cases", s.createCase)
	s.api("GET /api/v1/cases", s.listCases)
	s.api("GET /api/v1/cases/{ref}", s.getCase)
	s.api("GET /api/v1/cases/{ref}/events", s.caseEvents)
	s.api("POST /api/v1/cases/{ref}/reveal", s.reveal)
	s.api("POST /api/v1/cases/{ref}/{action}", s.act)
	s.api("GET /api/v1/follow-ups", s.followUps)
	s.api("GET /api/v1/incidents/{id}", s.getIncident)
	s.api("POST /api/v1/incidents/{id}/cases", s.addToIncident)
	s.api("DELETE /api/v1/incidents/{id}/cases/{ref}", s.removeFromIncident)
	s.api("POST /api/v1/incidents/{id}/{action}", s.actOnIncident)
	s.handle("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": apiError{Code: "not_found", Message: "no such endpoint"}})
	})
}

// Handle mounts another handler (a chat callback) on the server's mux, with
// the same request id, logging, metrics and body limit.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, s.wrap(pattern, h))
}

func (s *Server) handle(pattern string, h http.HandlerFunc) { s.Handle(pattern, h) }

// api mounts an authenticated JSON endpoint.
func (s *Server) api(pattern string, h func(http.ResponseWriter, *http.Request, actorCtx)) {
	s.Handle(pattern, s.authenticated(h))
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(r.Context()); err != nil {
		s.log.Warn("not ready", zap.Error(err))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
