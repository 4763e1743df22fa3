package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Instrument wraps h to observe jiesu_http_request_duration_seconds under
// route. route must be the pattern ("/api/cases/{ref}"), never the path,
// or every case number would become a series.
func (m *Metrics) Instrument(route string, h http.Handler) http.Handler {
	obs := m.httpDur.MustCurryWith(prometheus.Labels{"route": route})
	return promhttp.InstrumentHandlerDuration(obs, h)
}

// Middleware is Instrument in the form routers chain.
func (m *Metrics) Middleware(route string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler { return m.Instrument(route, h) }
}
