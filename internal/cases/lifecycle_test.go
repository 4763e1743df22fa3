package cases

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func mustApply(t *testing.T, c Case, a Actor, cmd Command, now time.Time) Outcome {
	t.Helper()
	out, err := Apply(c, a, cmd, now, DefaultPolicy())
	if err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
	return out
}

func TestNewDispatchesWhenRouted(t *testing.T) {
	t.Parallel()
	op := Actor{MemberID: "op-zhao", Unit: "student_affairs", Roles: []Role{RoleOperator}}
	out, err := New(Intake{Channel: ChannelHotline1234, Content: " 1号楼停电 ", Tier: TierUrgent, LeadUnit: "logistics", CoUnits: []string{"security"}}, op, t0, DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	c := out.Case
	want := c
	want.State, want.LeadUnit, want.Content = StateDispatched, "logistics", "1号楼停电"
	if d := cmp.Diff(want, c); d != "" {
		t.Fatalf("case (-want +got):\n%s", d)
	}
	if !c.ContactBy.Equal(t0.Add(30*time.Minute)) || !c.ResolveBy.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("deadlines %v %v", c.ContactBy, c.ResolveBy)
	}
	if len(out.Events) != 2 || out.Events[0].Kind != "register" || out.Events[1].Kind != "dispatch" {
		t.Errorf("events = %+v", out.Events)
	}
	if len(out.Messages) != 2 || out.Messages[0].To != (Recipient{Kind: ToUnit, ID: "logistics"}) || out.Messages[1].To.ID != "security" {
		t.Errorf("messages = %+v", out.Messages)
	}
	if c.Version != 1 {
		t.Errorf("version = %d", c.Version)
	}
}

func TestNewWithoutUnitGoesToTriage(t *testing.T) {
	t.Parallel()
	out, err := New(Intake{Channel: ChannelLeaderMailbox, Content: "建议增加自习室", AccusesOfficial: true}, office(), t0, DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	want := out.Case
	want.State, want.Tier = StateRegistered, TierGeneral
	if d := cmp.Diff(want, out.Case); d != "" {
		t.Fatalf("case (-want +got):\n%s", d)
	}
	var triage, discipline bool
	for _, m := range out.Messages {
		triage = triage || (m.Template == "case_triage" && m.To.ID == string(RoleSchoolOffice))
		discipline = discipline || (m.Template == "case_accuses_official" && m.To.ID == string(RoleSupervisor))
	}
	if !triage || !discipline {
		t.Errorf("messages = %+v", out.Messages)
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	long := make([]rune, MaxContentLength+1)
	for i := range long {
		long[i] = '字'
	}
	for name, in := range map[string]Intake{
		"empty content": {Channel: ChannelHotline1234, Content: "  "},
		"bad channel":   {Channel: "fax", Content: "x"},
		"bad tier":      {Channel: ChannelHotline1234, Content: "x", Tier: "soon"},
		"too long":      {Channel: ChannelHotline1234, Content: string(long)},
	} {
		if _, err := New(in, office(), t0, DefaultPolicy()); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(Intake{Channel: ChannelHotline1234, Content: "x"}, handler("logistics"), t0, DefaultPolicy()); err == nil {
		t.Error("a unit handler registered a case")
	}
}

func TestWholeLifeOfAChatCase(t *testing.T) {
	t.Parallel()
	lh := handler("logistics")
	out, err := New(Intake{Channel: ChannelWeChatOA, Content: "3号楼没有热水", Tier: TierEssential, LeadUnit: "logistics"}, SystemActor(), t0, DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	c := out.Case
	c.ID = 7
	c = mustApply(t, c, lh, Command{Action: ActionAccept}, t0.Add(5*time.Minute)).Case
	if c.FirstHandler != lh.MemberID {
		t.Errorf("first handler = %q", c.FirstHandler)
	}
	c = mustApply(t, c, lh, Command{Action: ActionContact}, t0.Add(20*time.Minute)).Case
	res := mustApply(t, c, lh, Command{Action: ActionResolve, Result: "热水器已修复"}, t0.Add(3*time.Hour))
	c = res.Case
	// A chat channel carries the result back itself: resolved and fed back at once.
	if c.State != StateFeedbackGiven || len(res.Events) != 2 || res.Events[1].Kind != "feedback" {
		t.Fatalf("after resolve: %s, %+v", c.State, res.Events)
	}
	// The result goes back at once; the survey follows a day later, only
	// if the case is still waiting for a rating then.
	if len(res.Messages) != 2 || res.Messages[0].Template != "case_result" || res.Messages[0].To.Kind != ToComplainant || res.Messages[0].Delay != 0 {
		t.Errorf("messages = %+v", res.Messages)
	}
	if s := res.Messages[len(res.Messages)-1]; s.Template != "case_survey" || s.To.Kind != ToComplainant ||
		s.Delay != DefaultSurveyDelay || s.OnlyWhile != StateFeedbackGiven {
		t.Errorf("survey = %+v", s)
	}
	if c.Overdue(t0.Add(48 * time.Hour)) {
		t.Error("resolved on time but reported overdue")
	}
	rated := mustApply(t, c, SystemActor(), Command{Action: ActionRate, Rating: RatingUnsatisfied}, t0.Add(26*time.Hour))
	c = rated.Case
	want := c
	want.State, want.Reopens, want.FirstHandler = StateReopened, 1, ""
	if d := cmp.Diff(want, c); d != "" {
		t.Fatalf("after unsatisfied rating (-want +got):\n%s", d)
	}
	if want := t0.Add(50 * time.Hour); !c.ResolveBy.Equal(want) {
		t.Errorf("reopened resolve-by %v, want a fresh 24 h window to %v", c.ResolveBy, want)
	}
	if len(rated.Messages) != 2 {
		t.Errorf("reopen messages = %+v", rated.Messages)
	}
	c = mustApply(t, c, lh, Command{Action: ActionAccept}, t0.Add(27*time.Hour)).Case
	c = mustApply(t, c, lh, Command{Action: ActionContact}, t0.Add(27*time.Hour)).Case
	c = mustApply(t, c, lh, Command{Action: ActionResolve, Result: "更换热水器"}, t0.Add(30*time.Hour)).Case
	c = mustApply(t, c, SystemActor(), Command{Action: ActionRate, Rating: RatingVerySatisfied}, t0.Add(40*time.Hour)).Case
	c = mustApply(t, c, SystemActor(), Command{Action: ActionClose}, t0.Add(41*time.Hour)).Case
	if c.State != StateClosed || c.Rating != RatingVerySatisfied || c.Version != 10 {
		t.Errorf("final case: state %s rating %s version %d", c.State, c.Rating, c.Version)
	}
}

func TestReturnStopsTheClockAndRedispatchRestartsIt(t *testing.T) {
	t.Parallel()
	c := fixture(StateAccepted)
	c.FirstHandler = "logistics-li"
	c = mustApply(t, c, handler("logistics"), Command{Action: ActionReturn, Reason: "应由保卫处办理"}, t0.Add(time.Hour)).Case
	want := c
	want.State, want.LeadUnit, want.ResolveBy, want.FirstHandler, want.CoUnits = StateRegistered, "", time.Time{}, "", nil
	if d := cmp.Diff(want, c, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("after return (-want +got):\n%s", d)
	}
	later := t0.Add(5 * time.Hour)
	out := mustApply(t, c, office(), Command{Action: ActionDispatch, LeadUnit: "security", Tier: TierUrgent}, later)
	if !out.Case.ResolveBy.Equal(later.Add(2*time.Hour)) || out.Case.Tier != TierUrgent {
		t.Errorf("re-dispatch: tier %s resolve-by %v", out.Case.Tier, out.Case.ResolveBy)
	}
}

func TestExtensionMovesTheDeadline(t *testing.T) {
	t.Parallel()
	c := fixture(StateContacted)
	until := t0.Add(72 * time.Hour)
	c = mustApply(t, c, handler("logistics"), Command{Action: ActionRequestExtension, Reason: "等待配件", Until: until}, t0.Add(16*time.Hour)).Case
	if !c.ResolveBy.Equal(t0.Add(24 * time.Hour)) {
		t.Fatal("a request alone moved the deadline")
	}
	if _, err := Apply(c, handler("logistics"), Command{Action: ActionRequestExtension, Reason: "x", Until: until.Add(time.Hour)}, t0, DefaultPolicy()); err == nil {
		t.Error("a second request while one is pending was accepted")
	}
	c = mustApply(t, c, office(), Command{Action: ActionApproveExtension}, t0.Add(17*time.Hour)).Case
	if !c.ResolveBy.Equal(until) || c.Extension.Status != ExtensionApproved || c.Extension.DecidedBy != "office-wang" {
		t.Errorf("after approval: %v %+v", c.ResolveBy, c.Extension)
	}
	if c.Overdue(t0.Add(48 * time.Hour)) {
		t.Error("overdue inside the extension")
	}
	if !c.Overdue(until.Add(time.Minute)) {
		t.Error("not overdue after the extension")
	}
}

func TestCoUnitsReportBeforeTheLeadResolves(t *testing.T) {
	t.Parallel()
	c := fixture(StateContacted)
	sec := handler("security")
	c = mustApply(t, c, sec, Command{Action: ActionCoAccept}, t0.Add(time.Hour)).Case
	if c.CoUnits[0].State != AssignmentAccepted || c.CoUnits[0].AcceptedBy != sec.MemberID {
		t.Fatalf("co-unit after accept: %+v", c.CoUnits[0])
	}
	out := mustApply(t, c, sec, Command{Action: ActionCoReport, Report: "监控已调取"}, t0.Add(2*time.Hour))
	c = out.Case
	if c.CoUnits[0].State != AssignmentReported || out.Messages[0].To != (Recipient{Kind: ToUnit, ID: "logistics"}) {
		t.Fatalf("co-report: %+v %+v", c.CoUnits[0], out.Messages)
	}
	// With every part in, the lead unit needs no explanation.
	c = mustApply(t, c, handler("logistics"), Command{Action: ActionResolve, Result: "已处理"}, t0.Add(3*time.Hour)).Case
	if c.State != StateResolved {
		t.Errorf("state = %s", c.State)
	}
}

func TestAnonymousCasesSkipContact(t *testing.T) {
	t.Parallel()
	c := fixture(StateAccepted)
	c.Complainant = Complainant{NoContact: true}
	if _, err := Apply(c, handler("logistics"), Command{Action: ActionContact}, t0, DefaultPolicy()); err == nil {
		t.Error("contacted a complainant who left no contact")
	}
	out := mustApply(t, c, handler("logistics"), Command{Action: ActionResolve, Result: "已处理", Note: "无需协办"}, t0.Add(time.Hour))
	if out.Case.State != StateResolved {
		t.Errorf("state = %s", out.Case.State)
	}
}

func TestWrittenReportChannels(t *testing.T) {
	t.Parallel()
	c := fixture(StateResolved)
	c.Channel = ChannelCity12345
	if _, err := Apply(c, handler("logistics"), Command{Action: ActionFeedback}, t0, DefaultPolicy()); err == nil {
		t.Error("a 12345 case took feedback without the written report")
	}
	out := mustApply(t, c, handler("logistics"), Command{Action: ActionFeedback, Report: "书面报告：已于当日修复"}, t0)
	if out.Case.Report == "" || out.Case.State != StateFeedbackGiven {
		t.Errorf("case state %s, report %q; want feedback_given with the report", out.Case.State, out.Case.Report)
	}
}

func TestOverdueIsAFactOfTheClock(t *testing.T) {
	t.Parallel()
	c := fixture(StateContacted)
	if c.Overdue(c.ResolveBy) || !c.Overdue(c.ResolveBy.Add(time.Second)) {
		t.Error("open case: overdue boundary wrong")
	}
	c.State, c.ResolvedAt = StateClosed, c.ResolveBy.Add(time.Hour)
	if !c.Overdue(c.ResolveBy) {
		t.Error("a case resolved late stopped being late")
	}
	if (Case{}).Overdue(t0) {
		t.Error("an undispatched case is overdue")
	}
}

func TestNumbersAndDaysAreShanghai(t *testing.T) {
	t.Parallel()
	// 16:30 UTC on the 27th is 00:30 on the 28th in Shanghai.
	at := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	if got := Number(at, 42); got != "JS20261128-0042" {
		t.Errorf("Number = %s", got)
	}
	if Day(at) != "20261128" {
		t.Errorf("Day = %s", Day(at))
	}
	if got := Number(at, 12345); got != "JS20261128-12345" {
		t.Errorf("Number past 9999 = %s", got)
	}
}

func TestGeneralTierIsFiveNaturalDays(t *testing.T) {
	t.Parallel()
	fri := time.Date(2026, 11, 27, 17, 0, 0, 0, Shanghai())
	contactBy, resolveBy, err := DefaultPolicy().Deadlines(TierGeneral, fri)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 2, 17, 0, 0, 0, Shanghai()); !resolveBy.Equal(want) {
		t.Errorf("resolve-by %v, want %v (weekends count)", resolveBy, want)
	}
	if !contactBy.Equal(fri.Add(24 * time.Hour)) {
		t.Errorf("contact-by %v", contactBy)
	}
	if _, _, err := DefaultPolicy().Deadlines("soon", fri); err == nil {
		t.Error("unknown tier gave deadlines")
	}
}

func TestReadAndRevealRights(t *testing.T) {
	t.Parallel()
	c := fixture(StateDispatched)
	lh := handler("logistics")
	if !lh.CanRead(c) || !handler("security").CanRead(c) || handler("network").CanRead(c) {
		t.Error("read rights wrong")
	}
	if lh.CanReveal(c) {
		t.Error("the unit sees the contact before anyone accepted")
	}
	c.FirstHandler = lh.MemberID
	if !lh.CanReveal(c) || handler("security").CanReveal(c) {
		t.Error("reveal rights wrong after accept")
	}
	c.Confidential = true
	if lh.CanReveal(c) || !office().CanReveal(c) {
		t.Error("confidential case revealed to the unit")
	}
}
