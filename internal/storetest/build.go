package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// Epoch is a fixed instant for tests: 2026-11-28 09:00 in Shanghai. It is a
// whole second, so times derived from it survive the store's microseconds.
func Epoch() time.Time { return time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC) }

// Office is a member of the school office.
func Office() cases.Actor {
	return cases.Actor{MemberID: "office-1", Name: "办公室", Unit: "school_office", Roles: []cases.Role{cases.RoleSchoolOffice}}
}

// Handler is a handler of unit.
func Handler(unit, member string) cases.Actor {
	return cases.Actor{MemberID: member, Name: member, Unit: unit, Roles: []cases.Role{cases.RoleHandler}}
}

// NewCase registers a web complaint at `at` with the domain's own rules,
// dispatched at once to leadUnit unless it is empty; opts adjust the intake
// first (channel reference, co-units, complainant…).
func NewCase(t testing.TB, at time.Time, leadUnit string, opts ...func(*cases.Intake)) cases.Outcome {
	t.Helper()
	in := cases.Intake{
		Channel:  cases.ChannelWeb,
		Content:  "宿舍热水不热 hot water is cold",
		Place:    "5号楼",
		Category: "logistics",
		Tier:     cases.TierEssential,
		LeadUnit: leadUnit,
		Complainant: cases.Complainant{
			Identity: "openid-1", NameSealed: "sealed:name", ContactSealed: "sealed:phone",
			NameMasked: "张*", ContactMasked: "138****1234",
		},
	}
	for _, opt := range opts {
		opt(&in)
	}
	out, err := cases.New(in, cases.SystemActor(), at, cases.DefaultPolicy())
	if err != nil {
		t.Fatalf("new case: %v", err)
	}
	return out
}

// Apply runs a transition in the domain and fails the test if it refuses.
func Apply(t testing.TB, c cases.Case, actor cases.Actor, cmd cases.Command, at time.Time) cases.Outcome {
	t.Helper()
	out, err := cases.Apply(c, actor, cmd, at, cases.DefaultPolicy())
	if err != nil {
		t.Fatalf("%s case %d: %v", cmd.Action, c.ID, err)
	}
	return out
}

// Create stores a new case and returns it.
func Create(t testing.TB, s *store.Store, out cases.Outcome) cases.Case {
	t.Helper()
	c, created, err := s.CreateCase(context.Background(), out, store.CreateKey{})
	if err != nil || !created {
		t.Fatalf("create case: created=%v, %v", created, err)
	}
	return c
}

// Transition applies cmd to the stored case c and writes the outcome,
// returning the case as it is now.
func Transition(t testing.TB, s *store.Store, c cases.Case, actor cases.Actor, cmd cases.Command, at time.Time) cases.Case {
	t.Helper()
	out := Apply(t, c, actor, cmd, at)
	if err := s.ApplyOutcome(context.Background(), c.Version, out); err != nil {
		t.Fatalf("store %s of case %d: %v", cmd.Action, c.ID, err)
	}
	return out.Case
}
