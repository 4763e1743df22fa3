package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/jiesu/jiesu/internal/cases"
)

type ctxKey int

const requestIDKey ctxKey = iota

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// statusRecorder remembers the status for the access log and metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// wrap gives every route a request id, the security headers, a body limit, panic recovery, an
// access log line (never the body: it may hold a complaint) and metrics.
func (s *Server) wrap(route string, h http.Handler) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || cases.CheckText("X-Request-Id", id, 64) != nil {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		r, info := withAccessInfo(r)
		r.Body = http.MaxBytesReader(w, r.Body, s.maxBodyBytes)
		rec := &statusRecorder{ResponseWriter: w}
		start := time.Now()
		level := zapcore.InfoLevel
		if probe(route) {
			level = zapcore.DebugLevel
		}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic in handler", zap.String("request_id", id), zap.String("route", route), zap.Any("panic", p))
				if rec.status == 0 {
					writeJSON(rec, http.StatusInternalServerError, map[string]any{"error": apiError{Code: "internal", Message: "internal error"}})
				}
			}
			if rec.status == 0 {
				rec.status = http.StatusOK // what net/http sends for a handler that wrote nothing
			}
			// One line per request, keys with their units; never the body
			// or the query, which may hold a complaint.
			// Checked first: a probe's line is usually dropped, and its
			// fields (X-Forwarded-For parsed) are then not worth making.
			if ce := s.log.Check(level, "request"); ce != nil {
				ce.Write(zap.String("request_id", id), zap.String("method", r.Method), zap.String("route", route),
					zap.Int("status", rec.status), zap.Float64("duration_seconds", time.Since(start).Seconds()),
					zap.String("member", info.member), zap.String("remote_addr", clientAddr(r, s.trustedProxies)))
			}
		}()
		h.ServeHTTP(rec, r)
	})
	return s.metrics.Instrument(route, inner)
}

// actorCtx is the authenticated member of a request.
type actorCtx = cases.Actor

func (s *Server) authenticated(h func(http.ResponseWriter, *http.Request, actorCtx)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		actor, err := s.tokens.Authenticate(r.Context(), r.Header.Get("Authorization"))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="jiesu"`)
			s.fail(w, r, err)
			return
		}
		noteMember(r.Context(), actor.MemberID)
		h(w, r, actor)
	}
}
