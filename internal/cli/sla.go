package cli

import (
	"fmt"
	"io/fs"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/survey"
	"github.com/jiesu/jiesu/templates"
)

// newScheduler builds the cron that turns time into messages, with its
// jobs: the escalation sweep, the incident notices and the survey
// follow-ups. queued wakes the outbox worker
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
		Jobs: []sla.Job{sweeper, incidents, sla.JobFunc("survey", followUps.Sweep)},
	})
}
