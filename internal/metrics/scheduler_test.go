package metrics

import (
	"database/sql"
	"errors"
	"testing"
	"time"
)

type fakePool sql.DBStats

func (p fakePool) PoolStats() sql.DBStats { return sql.DBStats(p) }

// The scheduler's series: the last success stays at the last good run when
// a later one fails; steps add up across sweeps.
func TestSchedulerSeries(t *testing.T) {
	t.Parallel()
	m := New(Options{})
	s := m.NewScheduler()
	ok := time.Unix(1_800_000_000, 0)
	s.JobRan("sla", ok, 1500*time.Millisecond, nil)
	s.JobRan("sla", ok.Add(30*time.Second), 250*time.Millisecond, errors.New("database is down"))
	s.StepsSwept(4, 1, 0)
	s.StepsSwept(0, 0, 3)
	s.StepsSwept(2, 0, 0)
	wantLines(t, scrape(t, m),
		`jiesu_scheduler_last_success_timestamp_seconds{job="sla"} 1.8e+09`,
		`jiesu_scheduler_last_duration_seconds{job="sla"} 0.25`,
		`jiesu_scheduler_runs_total{job="sla",outcome="ok"} 1`,
		`jiesu_scheduler_runs_total{job="sla",outcome="failed"} 1`,
		`jiesu_sla_steps_total{outcome="fired"} 6`,
		`jiesu_sla_steps_total{outcome="skipped"} 1`,
		`jiesu_sla_steps_total{outcome="failed"} 3`,
	)
}

func TestPlatformAPIErrorsAndPool(t *testing.T) {
	t.Parallel()
	m := New(Options{Pool: fakePool{MaxOpenConnections: 10, OpenConnections: 4, InUse: 3, Idle: 1, WaitCount: 7, WaitDuration: 2 * time.Second}})
	m.PlatformAPIError("wecom", 60020)
	m.PlatformAPIError("wecom", 60020)
	m.PlatformAPIError("wechat", -1)
	wantLines(t, scrape(t, m),
		`jiesu_platform_api_errors_total{errcode="60020",platform="wecom"} 2`,
		`jiesu_platform_api_errors_total{errcode="-1",platform="wechat"} 1`,
		`jiesu_db_max_open_connections 10`,
		`jiesu_db_open_connections 4`,
		`jiesu_db_in_use_connections 3`,
		`jiesu_db_idle_connections 1`,
		`jiesu_db_wait_total 7`,
		`jiesu_db_wait_seconds_total 2`,
	)
}
