package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// outboxStates are reported even when zero, so an alert on "dead > 0" has a
// series to watch from the first scrape.
var outboxStates = []store.OutboxState{store.OutboxPending, store.OutboxSending, store.OutboxDead}

// stateCollector asks the store at scrape time how many cases and messages
// stand in each state. Counting on demand keeps the numbers right across
// replicas and restarts, which gauges updated in-process would not be.
type stateCollector struct {
	src     Source
	timeout time.Duration
	cases   *prometheus.Desc
	outbox  *prometheus.Desc
}

func newStateCollector(src Source, timeout time.Duration) *stateCollector {
	return &stateCollector{
		src:     src,
		timeout: timeout,
		cases:   prometheus.NewDesc("jiesu_cases", "Cases by state.", []string{"state"}, nil),
		outbox:  prometheus.NewDesc("jiesu_outbox_messages", "Outbox messages waiting (pending, sending) or dead; sent ones are jiesu_outbox_deliveries_total.", []string{"state"}, nil),
	}
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.cases
	ch <- c.outbox
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	// Collect has no context of its own; the timeout is the scrape's budget.
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()

	if n, err := c.src.CountCasesByState(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(c.cases, fmt.Errorf("count cases by state: %w", err))
	} else {
		for _, s := range cases.States {
			ch <- prometheus.MustNewConstMetric(c.cases, prometheus.GaugeValue, float64(n[s]), string(s))
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
