package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// A case's life in the store: the domain decides, the store writes each
// outcome in one transaction.
func Example() {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{SQLitePath: ":memory:"})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		panic(err)
	}
	now := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	out, err := cases.New(cases.Intake{Channel: cases.ChannelWeChatOA, ChannelRef: "msg-1", Content: "宿舍没有热水",
		Tier: cases.TierEssential, LeadUnit: "logistics"}, cases.SystemActor(), now, cases.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	c, created, err := s.CreateCase(ctx, out, store.CreateKey{})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Number, c.State, created)

	// WeChat delivers the same message again: same case, nothing written.
	again, created, _ := s.CreateCase(ctx, out, store.CreateKey{})
	fmt.Println(again.Number, created)

	handler := cases.Actor{MemberID: "m-1", Unit: "logistics", Roles: []cases.Role{cases.RoleHandler}}
	accept, err := cases.Apply(c, handler, cases.Command{Action: cases.ActionAccept}, now.Add(time.Minute), cases.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	fmt.Println(s.ApplyOutcome(ctx, c.Version, accept))
	// A second press on the old version loses.
	fmt.Println(s.ApplyOutcome(ctx, c.Version, accept))

	items, _ := s.ClaimOutbox(ctx, now.Add(2*time.Minute), time.Minute, 10)
	for _, it := range items {
		fmt.Println(it.Template, it.To.Kind, it.To.ID)
	}
	// Output:
	// JS20261128-0001 dispatched true
	// JS20261128-0001 false
	// <nil>
	// apply to case 1: not at version 1: conflict: the case changed meanwhile
	// case_dispatched unit logistics
	// case_accepted unit logistics
}
