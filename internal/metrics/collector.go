package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jiesu/jiesu/internal/cases"
)

// outboxStates are reported even when zero, so an alert on "dead > 0" has a
// series to watch from the first scrape.
var outboxStates = []cases.OutboxState{cases.OutboxPending, cases.OutboxSending, cases.OutboxDead}

// stateCollector asks the store at scrape time how many cases are open and
// overdue, and how many messages stand in each state. Counting on demand
// keeps the numbers right across replicas and restarts, which gauges
// updated in-process would not be; both queries read partial sets (open
// cases, unsent messages) through indexes, never the whole history.
type stateCollector struct {
	src     Source
	timeout time.Duration
	now     func() time.Time
	open    *prometheus.Desc
	overdue *prometheus.Desc
	outbox  *prometheus.Desc
}

func newStateCollector(src Source, timeout time.Duration, now func() time.Time) *stateCollector {
	return &stateCollector{
		src:     src,
		timeout: timeout,
		now:     now,
		open:    prometheus.NewDesc("jiesu_cases_open", "Open cases (registered, dispatched, accepted, contacted, reopened) by tier.", []string{"tier"}, nil),
		overdue: prometheus.NewDesc("jiesu_cases_overdue", "Open cases past their resolve-by time, by tier.", []string{"tier"}, nil),
		outbox:  prometheus.NewDesc("jiesu_outbox_messages", "Outbox messages waiting (pending, sending) or dead; sent ones are jiesu_outbox_deliveries_total.", []string{"state"}, nil),
	}
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.open
	ch <- c.overdue
	ch <- c.outbox
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	// Collect has no context of its own; the timeout is the scrape's budget.
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()

	if n, err := c.src.CountOpenCases(ctx, c.now()); err != nil {
		ch <- prometheus.NewInvalidMetric(c.open, fmt.Errorf("count open cases: %w", err))
	} else {
		for _, t := range cases.Tiers {
			ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(n[t].Open), string(t))
			ch <- prometheus.MustNewConstMetric(c.overdue, prometheus.GaugeValue, float64(n[t].Overdue), string(t))
		}
	}
	if n, err := c.src.OutboxCounts(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(c.outbox, fmt.Errorf("count outbox: %w", err))
	} else {
		for _, s := range outboxStates {
			ch <- prometheus.MustNewConstMetric(c.outbox, prometheus.GaugeValue, float64(n[s]), string(s))
		}
	}
}
