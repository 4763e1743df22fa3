package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of jiesu_sla_steps_total.
const (
	StepFired   = "fired"
	StepSkipped = "skipped"
	StepFailed  = "failed"
)

// Scheduler is the series of the scheduled jobs (the escalation sweep "sla"
// among them); it is the sla package's Recorder.
type Scheduler struct {
	lastSuccess *prometheus.GaugeVec
	duration    *prometheus.GaugeVec
	runs        *prometheus.CounterVec
	steps       *prometheus.CounterVec
}

// NewScheduler registers the scheduler's series on m's registry.
func (m *Metrics) NewScheduler() *Scheduler {
	s := &Scheduler{
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "jiesu_scheduler_last_success_timestamp_seconds",
			Help: "When a job (sla is the escalation sweep) last ran to success on this replica, as Unix time.",
		}, []string{"job"}),
		duration: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "jiesu_scheduler_last_duration_seconds",
			Help: "How long a job's last run on this replica took, success or not.",
		}, []string{"job"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jiesu_scheduler_runs_total",
			Help: "Job runs on this replica by job and outcome (ok, failed); a tick another replica holds is not a run.",
		}, []string{"job", "outcome"}),
		steps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jiesu_sla_steps_total",
			Help: "Escalation steps by outcome: fired, skipped (condition no longer held), failed (the sweep rolled back; the next one retries).",
		}, []string{"outcome"}),
	}
	for _, o := range []string{StepFired, StepSkipped, StepFailed} {
		s.steps.WithLabelValues(o)
	}
	m.reg.MustRegister(s.lastSuccess, s.duration, s.runs, s.steps)
	return s
}

// JobRan records one run of job at at.
func (s *Scheduler) JobRan(job string, at time.Time, took time.Duration, err error) {
	s.duration.WithLabelValues(job).Set(took.Seconds())
	if err != nil {
		s.runs.WithLabelValues(job, "failed").Inc()
		return
	}
	s.runs.WithLabelValues(job, "ok").Inc()
	s.lastSuccess.WithLabelValues(job).Set(float64(at.UnixNano()) / 1e9)
}

// StepsSwept counts one sweep's steps.
func (s *Scheduler) StepsSwept(fired, skipped, failed int) {
	s.steps.WithLabelValues(StepFired).Add(float64(fired))
	s.steps.WithLabelValues(StepSkipped).Add(float64(skipped))
	s.steps.WithLabelValues(StepFailed).Add(float64(failed))
}
