package sla

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// Templates of incident notices.
const (
	IncidentOpenedTemplate  = cases.TemplateIncidentOpened
	IncidentUpdatedTemplate = cases.TemplateIncidentUpdated
)

// IncidentNotices sends the unit the notice of each incident whose
// running count changed, a Job named "incidents".
//
// It is Prometheus Alertmanager's grouping with a campus's needs:
//   - Like group_wait, an incident's first notice waits
//     sla.incident_group_wait from the incident's opening, so that a burst
//     of complaints lands in one message; like group_interval, a growing
//     incident's next notice comes no sooner than
//     sla.incident_group_interval after the previous one, with the count
//     as it then stands.
//   - Unlike Alertmanager, the first complaint is not held back: 接诉即办
//     means the unit hears of it at once, on its own. The incident opens
//     with the second complaint within sla.incident_window, and group_wait
//     counts from there; the cases after the first send no notice of
//     their own.
//   - Alertmanager groups alerts by labels for as long as they fire; an
//     incident takes a new case only while its newest case is at most
//     sla.incident_window old and one of its cases is still open (a sliding
//     window), and then closes to new cases.
//   - There is no repeat_interval: an incident nobody handles is chased by
//     the escalation chain of its cases, once per step for the incident.
//   - There is no "resolved" notification: the unit closes the loop itself
//     by accepting, contacting and resolving the incident, which does so for
//     every case in it; each complainant still gets their own result and
//     survey. Cases can be added to and taken out of an incident by hand.
type IncidentNotices struct {
	store  *store.Store
	queued func()
	log    *zap.Logger
}

// NewIncidentNotices builds the job; queued and log may be nil.
func NewIncidentNotices(st *store.Store, queued func(), log *zap.Logger) (*IncidentNotices, error) {
	if st == nil {
		return nil, errors.New("sla: incident notices need a store")
	}
	if queued == nil {
		queued = func() {}
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &IncidentNotices{store: st, queued: queued, log: log.Named("incidents")}, nil
}

// Name is the job's name, and its lease's.
func (n *IncidentNotices) Name() string { return "incidents" }

// noticeLimit bounds the incidents one run notifies; there are rarely more
// than a handful at once.
const noticeLimit = 500

// Run queues every incident notice due at now.
func (n *IncidentNotices) Run(ctx context.Context, now time.Time) error {
	queued := 0
	err := n.store.Sweep(ctx, func(t *store.SweepTx) error {
		queued = 0
		due, err := t.DueIncidentNotices(ctx, now, noticeLimit)
		if err != nil {
			return err
		}
		var items []cases.OutboxItem
		for _, d := range due {
			inc := d.Incident
			won, err := t.IncidentNotified(ctx, inc.ID, d.Count, now)
			if err != nil {
				return err
			}
			// Nothing to say: nobody's case left (all taken out), or the
			// count is what the unit was last told.
			if !won || d.First == 0 || (d.Count == inc.NotifiedCount && !inc.NotifiedAt.IsZero()) {
				continue
			}
			items = append(items, n.notices(d, now)...)
		}
		queued, err = t.Enqueue(ctx, items, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("incident notices: %w", err)
	}
	if queued > 0 {
		n.queued()
		n.log.Info("incident notices queued", zap.Int("messages", queued))
	}
	return nil
}

// notices are the messages of an incident's running count: to its unit,
// and to every unit that helps with one of its cases, whose own case
// notices the incident's stands for as it does the unit's. They are shown
// on its oldest case (whose number and link the card carries, and whose
// 接单 accepts them all for the unit).
func (n *IncidentNotices) notices(d cases.IncidentNotice, now time.Time) []cases.OutboxItem {
	inc := d.Incident
	template := IncidentUpdatedTemplate
	if inc.NotifiedAt.IsZero() {
		template = IncidentOpenedTemplate
	}
	data := map[string]string{
		"incident": strconv.FormatInt(inc.ID, 10), "count": strconv.Itoa(d.Count),
		"pending": strconv.Itoa(d.Pending), "place": inc.Place, "category": inc.Category,
	}
	if change := d.Count - inc.NotifiedCount; change > 0 {
		data["added"] = strconv.Itoa(change)
	} else if change < 0 {
		data["removed"] = strconv.Itoa(-change)
	}
	key := fmt.Sprintf("incident/%d/notice/%d", inc.ID, now.UnixMicro())
	out := []cases.OutboxItem{{
		CaseID: d.First, Template: template, To: cases.Recipient{Kind: cases.ToUnit, ID: inc.LeadUnit}, Data: data, DedupKey: key,
	}}
	for _, u := range d.CoUnits {
		// lead_unit marks a co-unit's copy: it names the unit that leads,
		// and offers no 接单, which is the lead unit's.
		co := maps.Clone(data)
		co["lead_unit"] = inc.LeadUnit
		out = append(out, cases.OutboxItem{
			CaseID: d.First, Template: template, To: cases.Recipient{Kind: cases.ToUnit, ID: u}, Data: co, DedupKey: key + "/" + u,
		})
	}
	return out
}
