package metrics

import "github.com/prometheus/client_golang/prometheus"

// Uses of Redis that fall back to an in-process stand-in, for
// jiesu_redis_fallbacks_total.
const (
	RedisUseCache   = "cache"
	RedisUseLimiter = "limiter"
)

// Redis is the series of the shared Redis: whether it answers, and how
// often a call went to its in-process stand-in instead.
type Redis struct {
	up        prometheus.Gauge
	fallbacks *prometheus.CounterVec
}

// NewRedis registers the Redis series on m's registry; Redis is taken as
// up until told otherwise.
func (m *Metrics) NewRedis() *Redis {
	r := &Redis{
		up: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "jiesu_redis_up",
			Help: "1 while the shared Redis answers, 0 while the cache and rate limits run in process.",
		}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jiesu_redis_fallbacks_total",
			Help: "Calls served in process because Redis did not answer, by use (cache, limiter).",
		}, []string{"use"}),
	}
	r.up.Set(1)
	m.reg.MustRegister(r.up, r.fallbacks)
	return r
}

// Up records whether Redis answers.
func (r *Redis) Up(up bool) {
	if up {
		r.up.Set(1)
	} else {
		r.up.Set(0)
	}
}

// FellBack counts one call of use served in process.
func (r *Redis) FellBack(use string) { r.fallbacks.WithLabelValues(use).Inc() }
