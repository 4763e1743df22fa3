package cases_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// A hotline call becomes a case dispatched to logistics; a handler of
// another unit cannot take it, one of logistics can.
func ExampleApply() {
	policy := cases.DefaultPolicy()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, cases.Shanghai())
	operator := cases.Actor{MemberID: "hotline-chen", Roles: []cases.Role{cases.RoleOperator}}
	out, err := cases.New(cases.Intake{
		Channel: cases.ChannelHotline1234, Content: "学生公寓3号楼停电", Tier: cases.TierEssential, LeadUnit: "logistics",
	}, operator, now, policy)
	if err != nil {
		panic(err)
	}
	c := out.Case
	fmt.Println(c.State, "resolve by", c.ResolveBy.Format("01-02 15:04"))

	stranger := cases.Actor{MemberID: "network-deng", Unit: "network", Roles: []cases.Role{cases.RoleHandler}}
	_, err = cases.Apply(c, stranger, cases.Command{Action: cases.ActionAccept}, now, policy)
	fmt.Println(errors.Is(err, cases.ErrForbidden))

	handler := cases.Actor{MemberID: "logistics-ma", Unit: "logistics", Roles: []cases.Role{cases.RoleHandler}}
	next, err := cases.Apply(c, handler, cases.Command{Action: cases.ActionAccept}, now.Add(5*time.Minute), policy)
	if err != nil {
		panic(err)
	}
	fmt.Println(next.Case.State, next.Case.FirstHandler, next.Events[0].Kind, next.Messages[0].Template)
	// Output:
	// dispatched resolve by 11-29 09:00
	// true
	// accepted logistics-ma accept case_accepted
}

// An escalation step's time hangs on the case's own deadlines: half an
// hour before resolve-by, wherever an extension moved it.
func ExampleParseStepTime() {
	at, err := cases.ParseStepTime("resolve_by-30m")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(at.Kind, at.Anchor, at.Offset)
	// Output: offset resolve_by -30m0s
}
