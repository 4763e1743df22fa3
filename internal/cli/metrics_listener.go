package cli

import (
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/metrics"
)

// metricsServer serves /metrics and nothing else. It listens apart from
// the main server (server.metrics_listen): the main port is the one WeChat
// and WeCom must reach, and the series are for the operator alone.
func metricsServer(m *metrics.Metrics, log *zap.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          zap.NewStdLog(log.Named("metrics")),
	}
}
