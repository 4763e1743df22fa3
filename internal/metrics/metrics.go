// Package metrics is jiesu's Prometheus instrumentation. A Metrics holds its
// own registry, never the global default one, so tests and several
// instances in one process do not collide.
package metrics

import (
	"context"
	"log"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/version"
)

// DefaultScrapeTimeout bounds the store queries one scrape makes, so a slow
// database makes the gauges fail rather than the scrape hang.
const DefaultScrapeTimeout = 2 * time.Second

// Failure kinds of jiesu_outbox_delivery_failures_total.
const (
	FailureRetry = "retry"
	FailureDead  = "dead"
)

// Source is what the scrape-time gauges read; *store.Store has both.
type Source interface {
	OutboxCounts(ctx context.Context) (map[cases.OutboxState]int, error)
	CountOpenCases(ctx context.Context, now time.Time) (map[cases.Tier]cases.OpenCount, error)
}

// Options tune New.
type Options struct {
	// Source fills jiesu_cases_open, jiesu_cases_overdue and
	// jiesu_outbox_messages; nil leaves them out.
	Source Source
	// Pool fills the jiesu_db_* pool series; nil leaves them out.
	Pool Pool
	// Now is the instant a scrape judges lateness at; default time.Now.
	Now func() time.Time
	// ScrapeTimeout bounds the Source queries. Default DefaultScrapeTimeout.
	ScrapeTimeout time.Duration
	// ErrorLog receives scrape errors (zap.NewStdLog gives one); nil drops
	// them.
	ErrorLog *log.Logger
}

// Metrics owns the registry and the series jiesu updates as it runs.
type Metrics struct {
	reg        *prometheus.Registry
	errorLog   *log.Logger
	deliveries *prometheus.CounterVec
	failures   *prometheus.CounterVec
	httpDur    *prometheus.HistogramVec
	rejections *prometheus.CounterVec
	apiErrors  *prometheus.CounterVec
}

// New registers jiesu's series, the Go runtime's and the process's.
func New(o Options) *Metrics {
	m := &Metrics{
		reg:      prometheus.NewRegistry(),
		errorLog: o.ErrorLog,
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jiesu_outbox_deliveries_total",
			Help: "Messages delivered by the outbox worker, by platform.",
		}, []string{"platform"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jiesu_outbox_delivery_failures_total",
			Help: "Failed deliveries by platform and outcome: retry (backs off) or dead (given up).",
		}, []string{"platform", "kind"}),
		httpDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "jiesu_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern, method and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "code"}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jiesu_callback_rejections_total",
			Help: "Platform callbacks refused, by channel and reason (bad_signature, stale, duplicate…).",
		}, []string{"channel", "reason"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jiesu_platform_api_errors_total",
			Help: "Non-zero errcodes answered by the WeChat and WeCom APIs, by platform and errcode.",
		}, []string{"platform", "errcode"}),
	}
	info := version.Get()
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "jiesu_build_info",
		Help:        "Always 1; the labels say which build of jiesu is running.",
		ConstLabels: prometheus.Labels{"version": info.Version, "commit": info.Commit, "goversion": info.Go},
	})
	build.Set(1)
	m.reg.MustRegister(
		m.deliveries, m.failures, m.httpDur, m.rejections, m.apiErrors, build,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if o.Source != nil {
		timeout := o.ScrapeTimeout
		if timeout <= 0 {
			timeout = DefaultScrapeTimeout
		}
		now := o.Now
		if now == nil {
			now = time.Now
		}
		m.reg.MustRegister(newStateCollector(o.Source, timeout, now))
	}
	if o.Pool != nil {
		m.reg.MustRegister(newPoolCollector(o.Pool))
	}
	return m
}

// Registry is the registry, for callers that add their own collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format. A
// failing collector (the store is down) drops its series and is logged; the
// rest of the scrape still answers.
func (m *Metrics) Handler() http.Handler {
	opts := promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, Registry: m.reg}
	if m.errorLog != nil {
		opts.ErrorLog = m.errorLog
	}
	return promhttp.HandlerFor(m.reg, opts)
}

// Delivered counts one message delivered on platform.
func (m *Metrics) Delivered(platform string) { m.deliveries.WithLabelValues(platform).Inc() }

// DeliveryFailed counts one failed delivery; kind is FailureRetry or
// FailureDead.
func (m *Metrics) DeliveryFailed(platform, kind string) {
	m.failures.WithLabelValues(platform, kind).Inc()
}

// CallbackRejected counts a callback refused on channel for reason. Reasons
// should be a small fixed set (bad_signature, stale, duplicate, malformed,
// unknown_member), never request data, to keep the series few.
func (m *Metrics) CallbackRejected(channel, reason string) {
	m.rejections.WithLabelValues(channel, reason).Inc()
}
