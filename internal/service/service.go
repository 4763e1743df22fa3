// Package service is where the domain meets I/O: it routes and seals a new
// complaint, loads a case, lets the domain decide, and has the store write
// the outcome in one transaction. The JSON API and every chat channel call
// it; none of them touches the store or the domain rules directly.
package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/routing"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/store"
)

// conflictRetries bounds how often a transition is re-read and re-applied
// when another request changed the case between our read and our write.
const conflictRetries = 3

// Service runs cases for every front end.
type Service struct {
	store  *store.Store
	cfg    *config.Config
	router *routing.Router
	keys   *secret.Keyring
	clock  clock.Clock
	policy cases.Policy
	log    *zap.Logger
	mask   secret.TextMask
	// committed is called after every commit that queued messages, so the
	// outbox worker can deliver without waiting for its next poll.
	committed func()
}

// Deps are the parts a Service is built from.
type Deps struct {
	Store  *store.Store
	Config *config.Config
	Router *routing.Router
	Keys   *secret.Keyring
	Clock  clock.Clock
	Log    *zap.Logger
	// Committed, if set, is called after a commit that queued messages.
	Committed func()
}

// New builds a Service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.Log == nil {
		d.Log = zap.NewNop()
	}
	if d.Committed == nil {
		d.Committed = func() {}
	}
	return &Service{
		store: d.Store, cfg: d.Config, router: d.Router, keys: d.Keys, clock: d.Clock,
		policy: d.Config.Policy(), log: d.Log, mask: d.Config.TextMask(), committed: d.Committed,
	}
}

// Get returns a case the actor may read. ref is a case number or id.
func (s *Service) Get(ctx context.Context, actor cases.Actor, ref string) (cases.Case, error) {
	c, err := s.load(ctx, ref)
	if err != nil {
		return cases.Case{}, err
	}
	if !actor.CanRead(c) {
		return cases.Case{}, &cases.ForbiddenError{Action: "read", Actor: actor.MemberID, Why: "the case belongs to another unit"}
	}
	return c, nil
}

// List returns the cases matching f that the actor may read.
func (s *Service) List(ctx context.Context, actor cases.Actor, f cases.Filter) ([]cases.Case, error) {
	// A search that is a phone number also finds the cases of that phone,
	// for those who may know whose cases they are.
	f.ContactIndexes = nil
	if actor.SeesEveryContact() {
		f.ContactIndexes = s.keys.PhoneIndexes(f.Text)
	}
	if !actor.ReadsAll() {
		if actor.Unit == "" {
			return nil, &cases.ForbiddenError{Action: "list", Actor: actor.MemberID, Why: "the member belongs to no unit"}
		}
		f.ReadableBy = actor.Unit
	}
	list, err := s.store.ListCases(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return s.matchShown(actor, f.Text, list)
}

// matchShown keeps, of the cases a text search found in what the
// complainants wrote, those whose text the actor may read in full or
// whose shown (masked) text matches too: otherwise a search would tell a
// member who sees 138****5678 which digits are behind the stars, or
// confirm a guessed name, one query at a time. A page may then hold fewer
// cases than its limit.
func (s *Service) matchShown(actor cases.Actor, text string, list []cases.Case) ([]cases.Case, error) {
	q := strings.ToLower(strings.TrimSpace(text))
	if q == "" || actor.SeesEveryContact() {
		return list, nil
	}
	out := list[:0]
	for _, c := range list {
		if actor.CanReveal(c) {
			out = append(out, c)
			continue
		}
		shown, err := s.Shown(c)
		if err != nil {
			return nil, err
		}
		for _, field := range []string{shown.Content, shown.Number, shown.Place} {
			if strings.Contains(strings.ToLower(field), q) {
				out = append(out, c)
				break
			}
		}
	}
	return out, nil
}

// Events returns a readable case's timeline, oldest first, its notes
// masked as Shown masks the case's text.
func (s *Service) Events(ctx context.Context, actor cases.Actor, ref string) ([]cases.Event, error) {
	c, err := s.Get(ctx, actor, ref)
	if err != nil {
		return nil, err
	}
	evs, err := s.store.Events(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("events of %s: %w", c.Number, err)
	}
	return s.shownEvents(c, evs)
}

// Contact is a complainant's name and contact in the clear, and what they
// wrote as they wrote it: the text and its supplements, which everyone
// else sees masked.
type Contact struct {
	Name        string   `json:"name"`
	Contact     string   `json:"contact"`
	Content     string   `json:"content"`
	Supplements []string `json:"supplements,omitempty"`
}

// Reveal decrypts the complainant of a case for an actor allowed to call
// them, and records that it did: every reveal is in the timeline.
func (s *Service) Reveal(ctx context.Context, actor cases.Actor, ref string) (Contact, error) {
	c, err := s.Get(ctx, actor, ref)
	if err != nil {
		return Contact{}, err
	}
	if !actor.CanReveal(c) {
		return Contact{}, &cases.ForbiddenError{Action: "reveal", Actor: actor.MemberID, Why: "only the office, and the lead unit once it accepted, see the complainant"}
	}
	name, err := s.keys.Open(c.Complainant.NameSealed)
	if err != nil {
		return Contact{}, fmt.Errorf("open name of %s: %w", c.Number, err)
	}
	contact, err := s.keys.Open(c.Complainant.ContactSealed)
	if err != nil {
		return Contact{}, fmt.Errorf("open contact of %s: %w", c.Number, err)
	}
	evs, err := s.store.Events(ctx, c.ID)
	if err != nil {
		return Contact{}, fmt.Errorf("events of %s: %w", c.Number, err)
	}
	var supplements []string
	for _, e := range evs {
		if e.Kind == string(cases.ActionSupplement) {
			supplements = append(supplements, e.Note)
		}
	}
	ev := cases.Event{CaseID: c.ID, Kind: "reveal", Actor: actor.MemberID, ActorUnit: actor.Unit, At: s.clock.Now(), From: c.State, To: c.State}
	if err := s.store.AppendEvent(ctx, ev); err != nil {
		return Contact{}, fmt.Errorf("record reveal of %s: %w", c.Number, err)
	}
	return Contact{Name: name, Contact: contact, Content: c.Content, Supplements: supplements}, nil
}

// load finds a case by number (JS…) or numeric id.
func (s *Service) load(ctx context.Context, ref string) (cases.Case, error) {
	if cases.CheckText("ref", ref, cases.MaxRefLength) != nil {
		// No case has such a number; the database is not asked.
		return cases.Case{}, fmt.Errorf("case %q: %w", ref, cases.ErrNotFound)
	}
	return s.store.GetCaseByRef(ctx, ref)
}

// IsNotFound reports whether err means the thing asked for does not exist.
func IsNotFound(err error) bool { return errors.Is(err, cases.ErrNotFound) }
