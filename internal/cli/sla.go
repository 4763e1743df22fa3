package cli

import (
	"context"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/survey"
	"github.com/jiesu/jiesu/templates"
)

// newScheduler builds the cron that turns time into messages, with its
// jobs: the escalation sweep, the incident notices, the survey follow-ups,
// and the housekeeping of case numbers. queued wakes the outbox worker
// after a job queued messages. A template an escalation step names but
// that does not exist stops the start, like a broken template does.
func newScheduler(cfg *config.Config, st *store.Store, svc *service.Service, queued func(), rec sla.Recorder, log *zap.Logger) (*sla.Scheduler, error) {
	sweeper, err := sla.NewSweeper(sla.SweeperParams{Store: st, Config: cfg, Queued: queued, Recorder: rec, Log: log})
	if err != nil {
		return nil, err
	}
	for _, name := range append(sweeper.Policy().Templates(), sla.DigestTemplate, sla.IncidentOpenedTemplate, sla.IncidentUpdatedTemplate) {
		if _, err := fs.Stat(templates.FS, "messages/"+string(name)+".tmpl"); err != nil {
			return nil, fmt.Errorf("escalation: template %q: %w", name, err)
		}
	}
	incidents, err := sla.NewIncidentNotices(st, queued, log)
	if err != nil {
		return nil, err
	}
	followUps := survey.NewSweeper(svc, cfg.WeChat.SupplementWindow, log)
	return sla.NewScheduler(sla.SchedulerParams{
		Interval: cfg.SLA.SweepInterval, Leases: st, Log: log, Recorder: rec,
		Jobs: []sla.Job{sweeper, incidents, sla.JobFunc("survey", followUps.Sweep), numberSequences(st, log)},
	})
}

// numberSequences is the job that drops the case number sequences of past
// days (store.DropNumberSequences). Only a new day makes one droppable, so
// a replica tries once a day, not on every tick.
func numberSequences(st *store.Store, log *zap.Logger) sla.Job {
	var (
		mu   sync.Mutex
		done string // the day whose drop succeeded
	)
	return sla.JobFunc("case-numbers", func(ctx context.Context, now time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		day := cases.Day(now)
		if day == done {
			return nil
		}
		n, err := st.DropNumberSequences(ctx, now)
		if err != nil {
			return err
		}
		done = day
		if n > 0 {
			log.Info("dropped the case number sequences of past days", zap.Int("count", n))
		}
		return nil
	})
}
