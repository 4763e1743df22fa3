package metrics

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"
)

// Pool is what the pool series read; *store.Store is one.
type Pool interface {
	PoolStats() sql.DBStats
}

// poolCollector reads the database pool's counters at scrape time: they
// are the pool's own, so nothing needs updating in between.
type poolCollector struct {
	pool                                   Pool
	maxOpen, open, inUse, idle             *prometheus.Desc
	waits, waitSeconds, closedIdle, closed *prometheus.Desc
}

func newPoolCollector(p Pool) *poolCollector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc("jiesu_db_"+name, help, nil, nil) }
	return &poolCollector{
		pool:        p,
		maxOpen:     d("max_open_connections", "The pool's cap (database.max_conns; 1 for SQLite)."),
		open:        d("open_connections", "Connections open, in use or idle."),
		inUse:       d("in_use_connections", "Connections in use."),
		idle:        d("idle_connections", "Connections idle."),
		waits:       d("wait_total", "Times a query waited for a free connection."),
		waitSeconds: d("wait_seconds_total", "Time queries spent waiting for a free connection."),
		closedIdle:  d("closed_max_idle_total", "Connections closed because the idle pool was full."),
		closed:      d("closed_max_lifetime_total", "Connections closed at their maximum lifetime."),
	}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.maxOpen, c.open, c.inUse, c.idle, c.waits, c.waitSeconds, c.closedIdle, c.closed} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.PoolStats()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(c.maxOpen, float64(s.MaxOpenConnections))
	gauge(c.open, float64(s.OpenConnections))
	gauge(c.inUse, float64(s.InUse))
	gauge(c.idle, float64(s.Idle))
	counter(c.waits, float64(s.WaitCount))
	counter(c.waitSeconds, s.WaitDuration.Seconds())
	counter(c.closedIdle, float64(s.MaxIdleClosed))
	counter(c.closed, float64(s.MaxLifetimeClosed))
}
