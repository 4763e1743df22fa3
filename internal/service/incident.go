package service

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// An incident (事件) is open cases of one unit, category and place grouped
// at registration (store.Grouped; internal/sla explains the grouping and
// where it differs from Alertmanager's). It is handled as one: accepting,
// contacting or resolving any of its cases does so for every case in it
// still waiting for that, and the unit hears of it once, not per case.
// Each case keeps its own timeline, and each complainant their own result
// and survey.

// IncidentHandledTemplate is the notice to the unit that one action moved
// the whole incident.
const IncidentHandledTemplate = cases.TemplateIncidentHandled

// grouping is the incident timing of the configuration (sla.incident_*).
func (s *Service) grouping() store.Grouping {
	return store.Grouping{
		Window: s.cfg.SLA.IncidentWindow, GroupWait: s.cfg.SLA.IncidentGroupWait,
		GroupInterval: s.cfg.SLA.IncidentGroupInterval, MinSimilarity: s.cfg.SLA.IncidentSimilarity,
	}
}

// IncidentAction reports whether an action on one case of an incident is
// an action on all of them.
func IncidentAction(a cases.Action) bool {
	return a == cases.ActionAccept || a == cases.ActionContact || a == cases.ActionResolve
}

// IncidentResult is what an action on an incident did.
type IncidentResult struct {
	Incident cases.Incident
	// Moved are the cases the action moved, as they are now.
	Moved []cases.Case
	// Skipped are the cases that were waiting for the action but refused
	// it, by number, with the reason (a complainant without contact cannot
	// be contacted).
	Skipped map[string]error
}

// actOnIncident is Act for an incident action on case c of incident inc:
// it acts on the whole incident and returns c as it is now.
func (s *Service) actOnIncident(ctx context.Context, actor cases.Actor, c cases.Case, inc cases.Incident, cmd cases.Command, extra func(cases.Case) []cases.Message) (cases.Case, error) {
	if _, err := s.actIncident(ctx, actor, inc, cmd, extra); err != nil {
		return cases.Case{}, err
	}
	return s.store.GetCase(ctx, c.ID)
}

// ActIncident performs an accept, contact or resolve on every case of
// incident id that waits for it, each as its own transition (its own event,
// its own messages to its complainant), and tells the unit once. The
// cases' own notices to the unit are left out: the incident's stands for
// them. If no case could take the action, the first refusal is the error.
func (s *Service) ActIncident(ctx context.Context, actor cases.Actor, id int64, cmd cases.Command) (IncidentResult, error) {
	if !IncidentAction(cmd.Action) {
		return IncidentResult{}, &cases.ValidationError{Field: "action", Why: "an incident takes accept, contact or resolve; act on its cases for the rest"}
	}
	inc, err := s.readIncident(ctx, actor, id)
	if err != nil {
		return IncidentResult{}, err
	}
	return s.actIncident(ctx, actor, inc, cmd, nil)
}

// actIncident is ActIncident; extra, if set, adds messages to each case's
// transition as ActWith's does.
func (s *Service) actIncident(ctx context.Context, actor cases.Actor, inc cases.Incident, cmd cases.Command, extra func(cases.Case) []cases.Message) (IncidentResult, error) {
	members, err := s.store.IncidentCases(ctx, inc.ID)
	if err != nil {
		return IncidentResult{}, err
	}
	res := IncidentResult{Incident: inc, Skipped: map[string]error{}}
	var refusal error
	for _, c := range members {
		// A case its unit returned (or that moved past the action) is not
		// waiting for it.
		if c.LeadUnit != inc.LeadUnit || !cases.Allowed(cmd.Action, c.State) {
			continue
		}
		moved, err := s.applyQuietly(ctx, actor, c, cmd, extra)
		var forbidden *cases.ForbiddenError
		if errors.As(err, &forbidden) {
			return res, err // the actor may act on none of them
		}
		if err != nil {
			res.Skipped[c.Number] = err
			refusal = firstErr(refusal, err)
			continue
		}
		res.Moved = append(res.Moved, moved)
	}
	if len(res.Moved) == 0 {
		if refusal != nil {
			return res, refusal
		}
		return res, &cases.TransitionError{Action: cmd.Action, State: "incident", Why: "no case of the incident is waiting for it"}
	}
	if err := s.tellUnit(ctx, actor, inc, cmd.Action, res); err != nil {
		return res, err
	}
	s.committed()
	return res, nil
}

// firstErr keeps the first error.
func firstErr(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

// applyQuietly performs cmd on c, as Act does (re-deciding on a conflict),
// but without the case's own messages to its unit's group.
func (s *Service) applyQuietly(ctx context.Context, actor cases.Actor, c cases.Case, cmd cases.Command, extra func(cases.Case) []cases.Message) (cases.Case, error) {
	for attempt := 0; ; attempt++ {
		out, err := cases.Apply(c, actor, cmd, s.clock.Now(), s.policy)
		if err != nil {
			return cases.Case{}, err
		}
		kept := out.Messages[:0:0]
		for _, m := range out.Messages {
			if !(m.To.Kind == cases.ToUnit && m.To.ID == c.LeadUnit) {
				kept = append(kept, m)
			}
		}
		out.Messages = kept
		if extra != nil {
			out.Messages = append(out.Messages, extra(out.Case)...)
		}
		err = s.store.ApplyOutcome(ctx, c.Version, out)
		if errors.Is(err, cases.ErrConflict) && attempt < conflictRetries {
			if c, err = s.store.GetCase(ctx, c.ID); err != nil {
				return cases.Case{}, err
			}
			continue
		}
		if err != nil {
			return cases.Case{}, fmt.Errorf("%s %s: %w", cmd.Action, c.Number, err)
		}
		return out.Case, nil
	}
}

// tellUnit queues the one notice of an incident action to its unit.
func (s *Service) tellUnit(ctx context.Context, actor cases.Actor, inc cases.Incident, action cases.Action, res IncidentResult) error {
	now := s.clock.Now()
	name := actor.Name
	if name == "" {
		name = actor.MemberID
	}
	_, err := s.store.Enqueue(ctx, []cases.OutboxItem{{
		CaseID: res.Moved[0].ID, Template: IncidentHandledTemplate,
		To: cases.Recipient{Kind: cases.ToUnit, ID: inc.LeadUnit},
		Data: map[string]string{
			"action": string(action), "count": strconv.Itoa(len(res.Moved)),
			"skipped": strconv.Itoa(len(res.Skipped)), "member_name": name,
		},
		DedupKey: fmt.Sprintf("incident/%d/%s/%d", inc.ID, action, now.UnixMicro()),
	}}, now)
	if err != nil {
		return fmt.Errorf("tell unit of incident %d: %w", inc.ID, err)
	}
	return nil
}

// IncidentView is an incident with its cases.
type IncidentView struct {
	Incident cases.Incident
	Cases    []cases.Case
}

// Incident returns incident id with its cases, for the office and the
// members of its unit.
func (s *Service) Incident(ctx context.Context, actor cases.Actor, id int64) (IncidentView, error) {
	inc, err := s.readIncident(ctx, actor, id)
	if err != nil {
		return IncidentView{}, err
	}
	list, err := s.store.IncidentCases(ctx, id)
	if err != nil {
		return IncidentView{}, err
	}
	return IncidentView{Incident: inc, Cases: list}, nil
}

// AddToIncident puts a case into incident id by hand: one of the same unit
// that is still on its clock and in no other incident.
func (s *Service) AddToIncident(ctx context.Context, actor cases.Actor, id int64, ref string) error {
	inc, c, err := s.manage(ctx, actor, id, ref)
	if err != nil {
		return err
	}
	err = s.store.AddToIncident(ctx, inc.ID, c, actor.MemberID, s.clock.Now(), s.grouping())
	if errors.Is(err, cases.ErrOtherIncident) || errors.Is(err, cases.ErrNotGroupable) {
		return &cases.ValidationError{Field: "case", Why: err.Error()}
	}
	return err
}

// RemoveFromIncident takes a case out of incident id by hand. From then on
// it is handled and chased on its own; its unit and co-units get the cards
// it still waits on (see ownNotices).
func (s *Service) RemoveFromIncident(ctx context.Context, actor cases.Actor, id int64, ref string) error {
	inc, c, err := s.manage(ctx, actor, id, ref)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	if err := s.store.RemoveFromIncident(ctx, inc.ID, c, actor.MemberID, now, s.grouping()); err != nil {
		if errors.Is(err, cases.ErrNotFound) {
			return &cases.ValidationError{Field: "case", Why: fmt.Sprintf("%s is not in incident %d", c.Number, id)}
		}
		return err
	}
	if _, err = s.store.Enqueue(ctx, ownNotices(id, c, now), now); err != nil {
		return fmt.Errorf("notify units of %s: %w", c.Number, err)
	}
	s.committed()
	return nil
}

// ownNotices are the cards a case taken out of incident id gets on its own:
// its unit's, if it still waits to be accepted, and each co-unit's that has
// not taken its part, which the incident's notice stood for until now.
func ownNotices(id int64, c cases.Case, now time.Time) []cases.OutboxItem {
	key := func(unit string) string {
		return fmt.Sprintf("incident/%d/removed/%d/%s/%d", id, c.ID, unit, now.UnixMicro())
	}
	var out []cases.OutboxItem
	if c.State == cases.StateDispatched {
		out = append(out, cases.OutboxItem{CaseID: c.ID, Template: cases.TemplateCaseDispatched,
			To: cases.Recipient{Kind: cases.ToUnit, ID: c.LeadUnit}, DedupKey: key(c.LeadUnit)})
	}
	if !c.State.OnClock() {
		return out
	}
	for _, a := range c.CoUnits {
		if a.State == cases.AssignmentDispatched {
			out = append(out, cases.OutboxItem{CaseID: c.ID, Template: cases.TemplateCaseCoDispatched,
				To: cases.Recipient{Kind: cases.ToUnit, ID: a.Unit}, Data: map[string]string{"lead_unit": c.LeadUnit}, DedupKey: key(a.Unit)})
		}
	}
	return out
}

// manage loads an incident and a case for someone who may change the
// incident: the school office, or a handler or the head of its unit.
func (s *Service) manage(ctx context.Context, actor cases.Actor, id int64, ref string) (cases.Incident, cases.Case, error) {
	inc, err := s.readIncident(ctx, actor, id)
	if err != nil {
		return cases.Incident{}, cases.Case{}, err
	}
	if !actor.Office() && !(actor.Unit == inc.LeadUnit && actor.Has(cases.RoleHandler, cases.RoleUnitHead)) {
		return cases.Incident{}, cases.Case{}, &cases.ForbiddenError{Action: "group", Actor: actor.MemberID, Why: "only the school office or the incident's unit may change it"}
	}
	c, err := s.Get(ctx, actor, ref)
	if err != nil {
		return cases.Incident{}, cases.Case{}, err
	}
	return inc, c, nil
}

// readIncident returns incident id if the actor may see it: those who read
// every case, and the members of its unit.
func (s *Service) readIncident(ctx context.Context, actor cases.Actor, id int64) (cases.Incident, error) {
	inc, err := s.store.GetIncident(ctx, id)
	if err != nil {
		return cases.Incident{}, err
	}
	if !actor.ReadsAll() && actor.Unit != inc.LeadUnit {
		return cases.Incident{}, &cases.ForbiddenError{Action: "read", Actor: actor.MemberID, Why: "the incident belongs to another unit"}
	}
	return inc, nil
}
