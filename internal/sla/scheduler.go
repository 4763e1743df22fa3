package sla

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/robfig/cron/v3"
	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
)

// Job is work the scheduler runs on every tick: the escalation sweep, the
// incident notices, the survey follow-ups. Run gets the tick's time, so
// tests drive it with a fake clock; it must be safe to run again after a
// crash part-way (each job commits what it did in one transaction).
type Job interface {
	Name() string
	Run(ctx context.Context, now time.Time) error
}

// JobFunc makes a function a Job, for jobs of other packages (such as the
// survey sweep) whose own method has another shape.
func JobFunc(name string, run func(ctx context.Context, now time.Time) error) Job {
	return funcJob{name: name, run: run}
}

type funcJob struct {
	name string
	run  func(ctx context.Context, now time.Time) error
}

func (j funcJob) Name() string                                 { return j.name }
func (j funcJob) Run(ctx context.Context, now time.Time) error { return j.run(ctx, now) }

// Leases is the part of the store that keeps one replica per job.
type Leases interface {
	TryLease(ctx context.Context, job, holder string, now time.Time, d time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, job, holder string, until time.Time) error
}

// Scheduler runs its jobs every Interval on a cron. Each job runs under a
// lease, so that of several replicas one runs it per interval; a replica
// that dies mid-run holds its lease until it lapses (Lease), and then
// another takes over. The lease only saves work: every job is correct if
// two replicas do run it at once.
type Scheduler struct {
	interval time.Duration
	lease    time.Duration
	holder   string
	leases   Leases
	jobs     []Job
	clock    clock.Clock
	log      *zap.Logger
	rec      Recorder
	health   health
}

// SchedulerParams are what a Scheduler is built from; Leases is required.
type SchedulerParams struct {
	// Interval between ticks; default config.DefaultSweepInterval (30s).
	// Cron runs nothing more often than every second.
	Interval time.Duration
	// Lease a job's holder keeps it for; default twice the interval, so a
	// dead replica delays the work by at most that.
	Lease  time.Duration
	Leases Leases
	Jobs   []Job
	// Holder names this replica in the leases; default host, process and a
	// random suffix.
	Holder string
	Clock  clock.Clock
	Log    *zap.Logger
	// Recorder hears each job's run; default none.
	Recorder Recorder
}

// NewScheduler builds a scheduler; it starts with Run.
func NewScheduler(p SchedulerParams) (*Scheduler, error) {
	if p.Leases == nil {
		return nil, errors.New("sla: the scheduler needs leases")
	}
	s := &Scheduler{interval: p.Interval, lease: p.Lease, holder: p.Holder, leases: p.Leases, jobs: p.Jobs, clock: p.Clock, log: p.Log, rec: p.Recorder}
	if s.interval <= 0 {
		s.interval = config.DefaultSweepInterval
	}
	s.interval = max(s.interval, time.Second)
	if s.lease <= 0 {
		s.lease = 2 * s.interval
	}
	if s.holder == "" {
		s.holder = defaultHolder()
	}
	if s.clock == nil {
		s.clock = clock.Real{}
	}
	if s.log == nil {
		s.log = zap.NewNop()
	}
	if s.rec == nil {
		s.rec = nopRecorder{}
	}
	s.health.lastOK = s.clock.Now()
	s.log = s.log.Named("scheduler")
	seen := map[string]bool{}
	for _, j := range s.jobs {
		if seen[j.Name()] {
			return nil, fmt.Errorf("sla: two jobs named %q", j.Name())
		}
		seen[j.Name()] = true
	}
	return s, nil
}

func defaultHolder() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Holder is the name this replica's leases carry.
func (s *Scheduler) Holder() string { return s.holder }

// RunOnce runs every job once at now, each under its lease; a job whose
// lease another replica holds is skipped. One job's failure does not keep
// the others from running; the errors come back joined.
func (s *Scheduler) RunOnce(ctx context.Context, now time.Time) error {
	var (
		errs   []error
		failed []string
	)
	for _, j := range s.jobs {
		if err := s.runJob(ctx, j, now); err != nil {
			errs, failed = append(errs, err), append(failed, j.Name())
		}
	}
	s.health.tick(now, failed)
	return errors.Join(errs...)
}

func (s *Scheduler) runJob(ctx context.Context, j Job, now time.Time) error {
	ok, err := s.leases.TryLease(ctx, j.Name(), s.holder, now, s.lease)
	if err != nil {
		s.rec.JobRan(j.Name(), now, 0, err)
		return fmt.Errorf("job %s: %w", j.Name(), err)
	}
	if !ok {
		s.log.Debug("another replica holds the job", zap.String("job", j.Name()))
		return nil
	}
	start := s.clock.Now()
	runErr := j.Run(ctx, now)
	// Kept for the rest of the interval, less a second for the cron's own
	// drift: a replica ticking in between skips the job, this one renews
	// it at its next tick, and if this one dies any other takes the tick
	// after.
	if err := s.leases.ReleaseLease(context.WithoutCancel(ctx), j.Name(), s.holder, now.Add(s.interval-time.Second)); err != nil {
		runErr = errors.Join(runErr, err)
	}
	took := s.clock.Now().Sub(start)
	s.rec.JobRan(j.Name(), now, took, runErr)
	s.log.Debug("job ran", zap.String("job", j.Name()), zap.Duration("took", took), zap.Error(runErr))
	if runErr != nil {
		return fmt.Errorf("job %s: %w", j.Name(), runErr)
	}
	return nil
}

// Run ticks until ctx ends: once at once (a restart catches up without
// waiting an interval), then every Interval on the cron. A tick still
// running when the next is due makes the cron skip that one.
func (s *Scheduler) Run(ctx context.Context) error {
	logger := cron.PrintfLogger(zap.NewStdLog(s.log))
	c := cron.New(cron.WithLogger(logger), cron.WithChain(cron.SkipIfStillRunning(logger)))
	tick := func() {
		if err := s.RunOnce(ctx, s.clock.Now()); err != nil && ctx.Err() == nil {
			s.log.Warn("scheduled jobs failed", zap.Error(err))
		}
	}
	if _, err := c.AddFunc("@every "+s.interval.String(), tick); err != nil {
		return fmt.Errorf("sla: schedule every %s: %w", s.interval, err)
	}
	s.log.Info("scheduler started", zap.Duration("interval", s.interval), zap.String("holder", s.holder), zap.Int("jobs", len(s.jobs)))
	tick()
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	s.log.Info("scheduler stopped")
	return nil
}
