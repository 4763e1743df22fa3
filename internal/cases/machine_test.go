package cases

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, Shanghai())

func handler(unit string) Actor {
	return Actor{MemberID: unit + "-li", Unit: unit, Roles: []Role{RoleHandler}}
}

func office() Actor {
	return Actor{MemberID: "office-wang", Unit: "school_office", Roles: []Role{RoleSchoolOffice}}
}

// fixture is a case in state s with everything each action might need.
func fixture(s State) Case {
	return Case{
		ID: 1, Number: "JS20261128-0001", Channel: ChannelHotline1234, Content: "宿舍停电",
		Complainant: Complainant{NameSealed: "x", ContactSealed: "y"},
		Category:    "utilities", Tier: TierEssential, State: s, LeadUnit: "logistics",
		CoUnits:      []Assignment{{Unit: "security", State: AssignmentDispatched, DueBy: t0.Add(24 * time.Hour)}},
		RegisteredAt: t0, DispatchedAt: t0, ContactBy: t0.Add(2 * time.Hour), ResolveBy: t0.Add(24 * time.Hour),
		Version: 3,
	}
}

// attempt is, for each action, an actor and a command that satisfy every
// check except the state one, and a fixture tweak when the action needs one.
var attempts = map[Action]struct {
	actor Actor
	cmd   Command
	prep  func(*Case)
}{
	ActionDispatch:         {office(), Command{LeadUnit: "logistics"}, nil},
	ActionAccept:           {handler("logistics"), Command{}, nil},
	ActionReturn:           {handler("logistics"), Command{Reason: "不属于本单位职责"}, nil},
	ActionContact:          {handler("logistics"), Command{}, nil},
	ActionResolve:          {handler("logistics"), Command{Result: "已更换电闸", Note: "保卫处无需到场"}, nil},
	ActionFeedback:         {office(), Command{}, nil},
	ActionRate:             {office(), Command{Rating: RatingSatisfied}, nil},
	ActionClose:            {office(), Command{}, nil},
	ActionMerge:            {office(), Command{Primary: &Case{ID: 99, Number: "JS20261128-0099", State: StateDispatched}}, nil},
	ActionWithdraw:         {office(), Command{Reason: "已自行解决"}, nil},
	ActionRequestExtension: {handler("logistics"), Command{Reason: "需采购配件", Until: t0.Add(72 * time.Hour)}, nil},
	ActionApproveExtension: {office(), Command{}, func(c *Case) { c.Extension = &Extension{Until: t0.Add(72 * time.Hour), Status: ExtensionPending} }},
	ActionRejectExtension:  {office(), Command{}, func(c *Case) { c.Extension = &Extension{Until: t0.Add(72 * time.Hour), Status: ExtensionPending} }},
	ActionExclude:          {office(), Command{Exclusion: ExcludeLegal}, nil},
	ActionCoAccept:         {handler("security"), Command{}, nil},
	ActionCoReport:         {handler("security"), Command{Report: "已巡查"}, nil},
	ActionSupplement:       {office(), Command{Note: "补充：三楼也停电"}, nil},
	ActionChangeTier:       {office(), Command{Tier: TierGeneral}, nil},
}

// allowed is the state graph of docs/architecture.md written out by hand, so the
// test does not just read back the rules table.
var allowed = map[Action][]State{
	ActionDispatch:         {StateRegistered},
	ActionAccept:           {StateDispatched, StateReopened},
	ActionReturn:           {StateDispatched, StateAccepted, StateContacted},
	ActionContact:          {StateAccepted},
	ActionResolve:          {StateContacted}, // from accepted only without contact
	ActionFeedback:         {StateResolved},
	ActionRate:             {StateFeedbackGiven},
	ActionClose:            {StateRated, StateFeedbackGiven},
	ActionMerge:            {StateRegistered, StateDispatched, StateAccepted, StateContacted, StateReopened},
	ActionWithdraw:         {StateRegistered, StateDispatched, StateAccepted, StateContacted, StateReopened},
	ActionRequestExtension: {StateAccepted, StateContacted},
	ActionApproveExtension: {StateAccepted, StateContacted},
	ActionRejectExtension:  {StateAccepted, StateContacted},
	ActionExclude:          {StateRegistered, StateDispatched, StateAccepted, StateContacted, StateResolved, StateFeedbackGiven, StateRated, StateReopened, StateClosed},
	ActionCoAccept:         {StateDispatched, StateAccepted, StateContacted, StateReopened},
	ActionCoReport:         {StateDispatched, StateAccepted, StateContacted, StateReopened},
	ActionSupplement:       {StateRegistered, StateDispatched, StateAccepted, StateContacted, StateReopened},
	ActionChangeTier:       {StateRegistered, StateDispatched, StateAccepted, StateContacted, StateReopened},
}

func contains(states []State, s State) bool {
	for _, k := range states {
		if k == s {
			return true
		}
	}
	return false
}

func TestEveryStateTimesEveryAction(t *testing.T) {
	t.Parallel()
	if len(attempts) != len(Actions) || len(allowed) != len(Actions) {
		t.Fatalf("the table covers %d/%d actions, want %d", len(attempts), len(allowed), len(Actions))
	}
	p := DefaultPolicy()
	now := t0.Add(time.Hour)
	for _, action := range Actions {
		for _, state := range States {
			a := attempts[action]
			c := fixture(state)
			if a.prep != nil {
				a.prep(&c)
			}
			before := fixture(state)
			if a.prep != nil {
				a.prep(&before)
			}
			cmd := a.cmd
			cmd.Action = action
			out, err := Apply(c, a.actor, cmd, now, p)
			if d := cmp.Diff(before, c); d != "" {
				t.Errorf("%s from %s: Apply changed its input case (-before +after):\n%s", action, state, d)
			}
			if contains(allowed[action], state) {
				if err != nil {
					t.Errorf("%s from %s: %v, want allowed", action, state, err)
					continue
				}
				if len(out.Events) != 1 {
					t.Errorf("%s from %s: %d events, want 1", action, state, len(out.Events))
					continue
				}
				if out.Events[0].Kind != string(action) || out.Events[0].From != state || out.Events[0].To != out.Case.State {
					t.Errorf("%s from %s: event %+v", action, state, out.Events[0])
				}
				if out.Case.Version != c.Version+1 {
					t.Errorf("%s from %s: version %d, want %d", action, state, out.Case.Version, c.Version+1)
				}
				continue
			}
			var te *TransitionError
			if !errors.As(err, &te) || !errors.Is(err, ErrIllegalTransition) {
				t.Errorf("%s from %s: err %v, want a TransitionError", action, state, err)
			}
			if len(out.Events) != 0 || len(out.Messages) != 0 || out.Case.ID != 0 {
				t.Errorf("%s from %s: refused but produced %+v", action, state, out)
			}
		}
	}
}

func TestUnknownAction(t *testing.T) {
	t.Parallel()
	_, err := Apply(fixture(StateDispatched), office(), Command{Action: "teleport"}, t0, DefaultPolicy())
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
}

func TestActorsAreChecked(t *testing.T) {
	t.Parallel()
	other := handler("network")
	operator := Actor{MemberID: "op-zhao", Unit: "student_affairs", Roles: []Role{RoleOperator}}
	leader := Actor{MemberID: "vp-liu", Roles: []Role{RoleLeader}}
	tests := []struct {
		name  string
		state State
		actor Actor
		cmd   Command
	}{
		{"another unit accepts", StateDispatched, other, Command{Action: ActionAccept}},
		{"the office accepts for the unit", StateDispatched, office(), Command{Action: ActionAccept}},
		{"a handler dispatches", StateRegistered, handler("logistics"), Command{Action: ActionDispatch, LeadUnit: "logistics"}},
		{"another unit resolves", StateContacted, other, Command{Action: ActionResolve, Result: "x"}},
		{"an operator excludes", StateResolved, operator, Command{Action: ActionExclude, Exclusion: ExcludePraise}},
		{"a handler approves its own extension", StateAccepted, handler("logistics"), Command{Action: ActionApproveExtension}},
		{"a handler rates", StateFeedbackGiven, handler("logistics"), Command{Action: ActionRate, Rating: RatingSatisfied}},
		{"a leader withdraws", StateDispatched, leader, Command{Action: ActionWithdraw}},
		{"the lead unit reports a co-unit's part", StateAccepted, handler("logistics"), Command{Action: ActionCoReport, Report: "x", Unit: "security"}},
		{"a unit that is no co-unit reports", StateAccepted, other, Command{Action: ActionCoReport, Report: "x"}},
	}
	for _, tt := range tests {
		c := fixture(tt.state)
		c.Extension = &Extension{Until: t0.Add(72 * time.Hour), Status: ExtensionPending}
		out, err := Apply(c, tt.actor, tt.cmd, t0, DefaultPolicy())
		var fe *ForbiddenError
		if !errors.As(err, &fe) || !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: err = %v, want a ForbiddenError", tt.name, err)
		}
		if len(out.Events) != 0 {
			t.Errorf("%s: refused but wrote events", tt.name)
		}
	}
}

func TestCommandsAreValidated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		state State
		actor Actor
		cmd   Command
		field string
	}{
		{"dispatch without unit", StateRegistered, office(), Command{Action: ActionDispatch}, "lead_unit"},
		{"dispatch with a co-unit twice", StateRegistered, office(), Command{Action: ActionDispatch, LeadUnit: "logistics", CoUnits: []string{"security", "security"}}, "co_units"},
		{"dispatch with a bad tier", StateRegistered, office(), Command{Action: ActionDispatch, LeadUnit: "logistics", Tier: "soon"}, "tier"},
		{"return without reason", StateAccepted, handler("logistics"), Command{Action: ActionReturn, Reason: "  "}, "reason"},
		{"resolve without result", StateContacted, handler("logistics"), Command{Action: ActionResolve, Note: "n"}, "result"},
		{"resolve leaving a co-unit unexplained", StateContacted, handler("logistics"), Command{Action: ActionResolve, Result: "r"}, "note"},
		{"rate with a made-up rating", StateFeedbackGiven, office(), Command{Action: ActionRate, Rating: "meh"}, "rating"},
		{"extension to an earlier time", StateAccepted, handler("logistics"), Command{Action: ActionRequestExtension, Reason: "r", Until: t0}, "until"},
		{"extension without reason", StateAccepted, handler("logistics"), Command{Action: ActionRequestExtension, Until: t0.Add(72 * time.Hour)}, "reason"},
		{"exclusion for a reason the policy lacks", StateResolved, office(), Command{Action: ActionExclude, Exclusion: "busy"}, "reason"},
		{"merge into itself", StateDispatched, office(), Command{Action: ActionMerge, Primary: &Case{ID: 1}}, "primary"},
		{"merge into a closed case", StateDispatched, office(), Command{Action: ActionMerge, Primary: &Case{ID: 2, State: StateClosed}}, "primary"},
		{"merge without a primary", StateDispatched, office(), Command{Action: ActionMerge}, "primary"},
		{"co-report without report", StateAccepted, handler("security"), Command{Action: ActionCoReport}, "report"},
		{"empty supplement", StateAccepted, office(), Command{Action: ActionSupplement}, "note"},
	}
	for _, tt := range tests {
		_, err := Apply(fixture(tt.state), tt.actor, tt.cmd, t0, DefaultPolicy())
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tt.field {
			t.Errorf("%s: err = %v, want a ValidationError on %s", tt.name, err, tt.field)
		}
	}
}

// An extension is asked for before the resolve-by time: granted after it,
// it would turn a late case into one on time. At the time itself it may.
func TestExtensionIsAskedBeforeTheDeadline(t *testing.T) {
	t.Parallel()
	c := fixture(StateContacted)
	cmd := Command{Action: ActionRequestExtension, Reason: "需更换配电柜", Until: t0.Add(72 * time.Hour)}
	if _, err := Apply(c, handler("logistics"), cmd, c.ResolveBy, DefaultPolicy()); err != nil {
		t.Errorf("at the resolve-by time: %v", err)
	}
	_, err := Apply(c, handler("logistics"), cmd, c.ResolveBy.Add(time.Second), DefaultPolicy())
	if !errors.Is(err, ErrIllegalTransition) {
		t.Errorf("after the resolve-by time: err = %v, want an illegal transition", err)
	}
}
