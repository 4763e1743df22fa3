package sla

import (
	"slices"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

// recipients resolves a step's notify targets for c into recipients, each
// once. A target that names nobody for this case is dropped: the handler
// of a case nobody accepted is its unit (the unit holds it), and a unit
// without a leader in charge has no vice_president (validation requires
// one whenever a step names it).
func recipients(cfg *config.Config, s Step, c store.SLACase) []cases.Recipient {
	unit, _ := cfg.Unit(c.LeadUnit)
	var out []cases.Recipient
	add := func(kind cases.RecipientKind, id string) {
		r := cases.Recipient{Kind: kind, ID: id}
		if id != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	for _, target := range s.Notify {
		if id, ok := target.Member(); ok {
			add(cases.ToMember, id)
			continue
		}
		switch target {
		case config.NotifyUnitGroup:
			add(cases.ToUnit, c.LeadUnit)
		case config.NotifyHandler:
			if c.FirstHandler != "" {
				add(cases.ToMember, c.FirstHandler)
			} else {
				add(cases.ToUnit, c.LeadUnit)
			}
		case config.NotifyUnitHead:
			add(cases.ToMember, unit.Head)
		case config.NotifySchoolOffice:
			add(cases.ToRole, string(cases.RoleSchoolOffice))
		case config.NotifyVicePresident:
			add(cases.ToMember, unit.Leader)
		case config.NotifyDisciplineOffice:
			add(cases.ToRole, string(cases.RoleSupervisor))
		}
	}
	return out
}

// label names a recipient in logs, events and keys: unit:logistics,
// member:logistics-li, role:school_office.
func label(r cases.Recipient) string { return string(r.Kind) + ":" + r.ID }
