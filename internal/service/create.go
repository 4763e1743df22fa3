package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/routing"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/store"
)

// CreateInput is a complaint to register. Category, tier and units are
// optional overrides of what routing finds in the content.
type CreateInput struct {
	Channel        cases.Channel
	ChannelRef     string
	Identity       string // platform identity of the complainant, if any
	Name           string
	Contact        string
	Content        string
	Place          string
	Category       string
	Tier           cases.Tier
	LeadUnit       string
	CoUnits        []string
	Confidential   bool
	Hold           bool
	IdempotencyKey string
}

// Created is the result of Create.
type Created struct {
	Case    cases.Case
	Created bool // false: an earlier request already made this case
	Route   routing.Result
}

// Create registers a complaint. A repeated request (same idempotency key, or
// same channel and channel reference) returns the first case unchanged.
func (s *Service) Create(ctx context.Context, actor cases.Actor, in CreateInput) (Created, error) {
	if err := s.checkCreate(in); err != nil {
		return Created{}, err
	}
	var route routing.Result
	if in.Category == "" {
		route = s.router.Route(in.Content)
	} else {
		// The category a person chose brings its own tier and units, as if
		// its keywords had matched; checkCreate knows it.
		var err error
		if route, err = s.router.RouteAs(in.Content, in.Category); err != nil {
			return Created{}, &cases.ValidationError{Field: "category", Why: "unknown category " + in.Category}
		}
	}
	in.Category = route.Category
	var raisedFrom cases.Tier
	var evidence []string
	if in.Tier == "" {
		// A tier a person set is theirs; only routing's comes with words.
		in.Tier, raisedFrom, evidence = route.Tier, route.RaisedFrom, route.Evidence
	}
	if in.Place == "" {
		in.Place = route.Place
	}
	if in.LeadUnit == "" {
		in.LeadUnit, in.CoUnits = route.LeadUnit, route.CoUnits
	}
	who, err := s.seal(in.Identity, in.Name, in.Contact)
	if err != nil {
		return Created{}, err
	}
	intake := cases.Intake{
		Channel: in.Channel, ChannelRef: in.ChannelRef, Complainant: who, Content: in.Content,
		Place: in.Place, Category: in.Category, Tier: in.Tier, TierRaisedFrom: raisedFrom, TierEvidence: evidence, LeadUnit: in.LeadUnit, CoUnits: in.CoUnits,
		RouteReasons: route.ReasonTexts(), Confidential: in.Confidential, AccusesOfficial: route.AccusesOfficial,
		Hold: in.Hold || !s.cfg.AutoDispatch(),
	}
	out, err := cases.New(intake, actor, s.clock.Now(), s.policy)
	if err != nil {
		return Created{}, err
	}
	c, created, err := s.store.CreateCase(ctx, out, store.CreateKey{IdempotencyKey: in.IdempotencyKey, MemberID: actor.MemberID}, store.Grouped(s.grouping()))
	if err != nil {
		return Created{}, fmt.Errorf("create case: %w", err)
	}
	if created && len(out.Messages) > 0 {
		s.committed()
	}
	if !created {
		if err := s.sameRequest(c, in); err != nil {
			return Created{}, err
		}
	}
	return Created{Case: c, Created: created, Route: route}, nil
}

// seal encrypts what identifies the complainant and keeps masked forms for
// the people who may not see it.
func (s *Service) seal(identity, name, contact string) (cases.Complainant, error) {
	name, contact = strings.TrimSpace(name), strings.TrimSpace(contact)
	// A chat identity reaches the person by message, not by phone: the unit
	// still has nobody to call, which is what NoContact means.
	who := cases.Complainant{Identity: identity, NoContact: contact == ""}
	var err error
	if who.NameSealed, err = s.keys.Seal(name); err != nil {
		return who, fmt.Errorf("seal name: %w", err)
	}
	if who.ContactSealed, err = s.keys.Seal(contact); err != nil {
		return who, fmt.Errorf("seal contact: %w", err)
	}
	who.NameMasked, who.ContactMasked = secret.MaskName(name), secret.MaskPhone(contact)
	return who, nil
}

// checkCreate lists every problem of a complaint to register at once:
// the intake's own (cases.Intake.Problems), the complainant's texts, the
// key, and the category and units it names.
func (s *Service) checkCreate(in CreateInput) error {
	ps := cases.Intake{
		Channel: in.Channel, ChannelRef: in.ChannelRef, Content: in.Content, Place: in.Place,
		Category: in.Category, Tier: in.Tier, LeadUnit: in.LeadUnit, CoUnits: in.CoUnits,
	}.Problems()
	ps.Text("complainant.name", in.Name, cases.MaxNameLength)
	ps.Text("complainant.contact", in.Contact, cases.MaxContactLength)
	ps.Text("identity", in.Identity, cases.MaxRefLength)
	ps.Text("Idempotency-Key", in.IdempotencyKey, cases.MaxRefLength)
	// A name that broke the text rule is not looked up as well.
	bad := map[string]bool{}
	for _, p := range ps {
		bad[p.Field] = true
	}
	if in.Category != "" && !bad["category"] && !s.knownCategory(in.Category) {
		ps.Add(&cases.ValidationError{Field: "category", Why: "unknown category " + in.Category})
	}
	if in.LeadUnit == "" && len(in.CoUnits) > 0 {
		// Co-units report to a lead unit; without one they would be dropped.
		ps.Add(&cases.ValidationError{Field: "lead_unit", Why: "required with co_units"})
	}
	if !bad["lead_unit"] {
		ps.Add(s.checkUnits("lead_unit", in.LeadUnit))
	}
	if !bad["co_units"] {
		ps.Add(s.checkUnits("co_units", in.CoUnits...))
	}
	return ps.Err()
}

func (s *Service) checkUnits(field string, units ...string) *cases.ValidationError {
	for _, u := range units {
		if u == "" {
			continue
		}
		if _, ok := s.cfg.Unit(u); !ok {
			return &cases.ValidationError{Field: field, Why: "unknown unit " + u}
		}
	}
	return nil
}

func (s *Service) knownCategory(id string) bool {
	for _, c := range s.cfg.Categories {
		if c.ID == id {
			return true
		}
	}
	return false
}
