package cases

import (
	"strings"
	"time"
)

// Outcome is what a transition produces: the case as it is now, the events
// to append and the messages to queue. The caller writes all of it in one
// transaction or none of it.
type Outcome struct {
	Case     Case
	Events   []Event
	Messages []Message
}

// rule says from which states an action is allowed. A nil from means "any
// open state".
type rule struct {
	from []State
}

var rules = map[Action]rule{
	ActionDispatch:         {from: []State{StateRegistered}},
	ActionAccept:           {from: AwaitingAcceptance},
	ActionReturn:           {from: []State{StateDispatched, StateAccepted, StateContacted}},
	ActionContact:          {from: []State{StateAccepted}},
	ActionResolve:          {from: []State{StateAccepted, StateContacted}},
	ActionFeedback:         {from: []State{StateResolved}},
	ActionRate:             {from: []State{StateFeedbackGiven}},
	ActionClose:            {from: []State{StateRated, StateFeedbackGiven}},
	ActionMerge:            {from: OpenStates},
	ActionWithdraw:         {from: OpenStates},
	ActionRequestExtension: {from: []State{StateAccepted, StateContacted}},
	ActionApproveExtension: {from: []State{StateAccepted, StateContacted}},
	ActionRejectExtension:  {from: []State{StateAccepted, StateContacted}},
	ActionExclude:          {from: []State{StateRegistered, StateDispatched, StateAccepted, StateContacted, StateResolved, StateFeedbackGiven, StateRated, StateReopened, StateClosed}},
	ActionCoAccept:         {from: []State{StateDispatched, StateAccepted, StateContacted, StateReopened}},
	ActionCoReport:         {from: []State{StateDispatched, StateAccepted, StateContacted, StateReopened}},
	ActionSupplement:       {from: []State{StateRegistered, StateDispatched, StateAccepted, StateContacted, StateReopened}},
	ActionChangeTier:       {from: []State{StateRegistered, StateDispatched, StateAccepted, StateContacted, StateReopened}},
}

// Allowed reports whether action is allowed from state, ignoring who acts.
func Allowed(action Action, state State) bool {
	r, ok := rules[action]
	if !ok {
		return false
	}
	for _, s := range r.from {
		if s == state {
			return true
		}
	}
	return false
}

// Apply performs cmd on c for actor at now. It checks the state first, then
// the actor, then the command's fields, and returns a typed error (and no
// outcome) when any of them refuses.
func Apply(c Case, actor Actor, cmd Command, now time.Time, p Policy) (Outcome, error) {
	if !cmd.Action.Valid() {
		return Outcome{}, invalid("action", "unknown action "+string(cmd.Action))
	}
	if err := cmd.Problems().Err(); err != nil {
		return Outcome{}, err
	}
	if !Allowed(cmd.Action, c.State) {
		return Outcome{}, illegal(cmd.Action, c.State, "")
	}
	t := &transition{c: c, actor: actor, cmd: cmd, now: now, policy: p, from: c.State}
	var err error
	switch cmd.Action {
	case ActionDispatch:
		err = t.dispatch()
	case ActionAccept:
		err = t.accept()
	case ActionReturn:
		err = t.returnCase()
	case ActionContact:
		err = t.contact()
	case ActionResolve:
		err = t.resolve()
	case ActionFeedback:
		err = t.feedback()
	case ActionRate:
		err = t.rate()
	case ActionClose:
		err = t.close()
	case ActionMerge:
		err = t.merge()
	case ActionWithdraw:
		err = t.withdraw()
	case ActionRequestExtension:
		err = t.requestExtension()
	case ActionApproveExtension, ActionRejectExtension:
		err = t.decideExtension()
	case ActionExclude:
		err = t.exclude()
	case ActionCoAccept:
		err = t.coAccept()
	case ActionCoReport:
		err = t.coReport()
	case ActionSupplement:
		err = t.supplement()
	case ActionChangeTier:
		err = t.changeTier()
	}
	if err != nil {
		return Outcome{}, err
	}
	t.c.UpdatedAt = now
	t.c.Version++
	return Outcome{Case: t.c, Events: t.events, Messages: t.messages}, nil
}

// transition carries one Apply call's working state.
type transition struct {
	c        Case
	actor    Actor
	cmd      Command
	now      time.Time
	policy   Policy
	from     State
	events   []Event
	messages []Message
}

// record appends the event for the action that moved the case from t.from to
// its current state.
func (t *transition) record(kind Action, p Payload) {
	note := strings.TrimSpace(t.cmd.Note)
	t.events = append(t.events, Event{
		CaseID: t.c.ID, Kind: string(kind), Actor: t.actor.MemberID, ActorUnit: t.actor.Unit,
		At: t.now, From: t.from, To: t.c.State, Note: note, Data: PayloadData(p),
	})
	t.from = t.c.State
}

func (t *transition) send(template Template, to Recipient, data map[string]string) {
	t.messages = append(t.messages, Message{Template: template, To: to, Data: data})
}

func (t *transition) needOffice() error {
	if t.actor.System || t.actor.Office() {
		return nil
	}
	return forbidden(t.cmd.Action, t.actor, "only the school office may do this")
}

// needLeadUnit allows the lead unit's handlers and head, and the office,
// which may act for a unit that works without the chat tools.
func (t *transition) needLeadUnit() error {
	if t.actor.unitStaff(t.c.LeadUnit) || t.actor.Office() {
		return nil
	}
	return forbidden(t.cmd.Action, t.actor, "the case belongs to unit "+t.c.LeadUnit)
}

func required(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return invalid(field, "is required")
	}
	return nil
}

func (t *transition) dispatch() error {
	if err := t.needOffice(); err != nil {
		return err
	}
	if err := required("lead_unit", t.cmd.LeadUnit); err != nil {
		return err
	}
	tier := t.c.Tier
	if t.cmd.Tier != "" {
		tier = t.cmd.Tier
	}
	if !tier.Valid() {
		return invalid("tier", "must be urgent, essential or general")
	}
	seen := map[string]bool{t.cmd.LeadUnit: true}
	for _, u := range t.cmd.CoUnits {
		if seen[u] {
			return invalid("co_units", "unit "+u+" is listed twice or is the lead unit")
		}
		seen[u] = true
	}
	contactBy, resolveBy, err := t.policy.Deadlines(tier, t.now)
	if err != nil {
		return err
	}
	previous := t.c.LeadUnit
	if tier != t.c.Tier {
		// The office chose the tier: the text's no longer decides it.
		t.c.TierRaisedFrom, t.c.TierEvidence = "", nil
	}
	t.c.Tier = tier
	if t.cmd.Category != "" {
		t.c.Category = t.cmd.Category
	}
	t.c.LeadUnit = t.cmd.LeadUnit
	t.c.State = StateDispatched
	t.c.DispatchedAt = t.now
	t.c.ContactBy, t.c.ResolveBy = contactBy, resolveBy
	t.c.FirstHandler = ""
	t.c.AcceptedAt, t.c.ContactedAt = time.Time{}, time.Time{}
	t.c.Extension = nil
	t.c.CoUnits = nil
	for _, u := range t.cmd.CoUnits {
		t.c.CoUnits = append(t.c.CoUnits, Assignment{Unit: u, State: AssignmentDispatched, DueBy: resolveBy})
	}
	data := DispatchPayload{LeadUnit: t.c.LeadUnit, Tier: string(tier), ContactBy: contactBy, ResolveBy: resolveBy, CoUnits: t.cmd.CoUnits}
	if previous != t.c.LeadUnit {
		data.PreviousUnit = previous
	}
	t.record(ActionDispatch, data)
	t.send(TemplateCaseDispatched, Recipient{Kind: ToUnit, ID: t.c.LeadUnit}, nil)
	for _, u := range t.cmd.CoUnits {
		t.send(TemplateCaseCoDispatched, Recipient{Kind: ToUnit, ID: u}, map[string]string{"lead_unit": t.c.LeadUnit})
	}
	return nil
}

func (t *transition) accept() error {
	if !t.actor.unitStaff(t.c.LeadUnit) {
		return forbidden(ActionAccept, t.actor, "only a member of unit "+t.c.LeadUnit+" can accept its case")
	}
	t.c.State = StateAccepted
	t.c.FirstHandler = t.actor.MemberID
	t.c.AcceptedAt = t.now
	t.record(ActionAccept, AcceptPayload{FirstHandler: t.actor.MemberID})
	t.send(TemplateCaseAccepted, Recipient{Kind: ToUnit, ID: t.c.LeadUnit}, map[string]string{"member": t.actor.MemberID, "member_name": t.actor.Name})
	return nil
}

func (t *transition) returnCase() error {
	if err := t.needLeadUnit(); err != nil {
		return err
	}
	if err := required("reason", t.cmd.Reason); err != nil {
		return err
	}
	unit := t.c.LeadUnit
	// The unit's clock stops here; dispatch sets new deadlines.
	t.c.State = StateRegistered
	t.c.LeadUnit = ""
	t.c.FirstHandler = ""
	t.c.ContactBy, t.c.ResolveBy = time.Time{}, time.Time{}
	t.c.AcceptedAt, t.c.ContactedAt = time.Time{}, time.Time{}
	t.c.Extension = nil
	t.c.CoUnits = nil
	t.record(ActionReturn, ReturnPayload{Unit: unit, Reason: t.cmd.Reason})
	t.send(TemplateCaseReturned, Recipient{Kind: ToRole, ID: string(RoleSchoolOffice)}, map[string]string{"unit": unit, "reason": t.cmd.Reason})
	return nil
}

func (t *transition) contact() error {
	if err := t.needLeadUnit(); err != nil {
		return err
	}
	if t.c.Complainant.NoContact {
		return illegal(ActionContact, t.c.State, "the complainant left no contact")
	}
	t.c.State = StateContacted
	t.c.ContactedAt = t.now
	t.record(ActionContact, ContactPayload{OnTime: !t.now.After(t.c.ContactBy)})
	return nil
}

func (t *transition) resolve() error {
	if err := t.needLeadUnit(); err != nil {
		return err
	}
	// The policy wants every reachable complainant called first (响应率
	// 100%); only a case without contact may go straight to resolved.
	if t.c.State == StateAccepted && !t.c.Complainant.NoContact {
		return illegal(ActionResolve, t.c.State, "contact the complainant first")
	}
	if err := required("result", t.cmd.Result); err != nil {
		return err
	}
	var pending []string
	for _, a := range t.c.CoUnits {
		if a.State != AssignmentReported {
			pending = append(pending, a.Unit)
		}
	}
	if len(pending) > 0 && strings.TrimSpace(t.cmd.Note) == "" {
		return invalid("note", "co-units "+strings.Join(pending, ", ")+" have not reported; explain why the case is resolved without them")
	}
	t.c.State = StateResolved
	t.c.ResolvedAt = t.now
	t.c.Result = t.cmd.Result
	t.record(ActionResolve, ResolvePayload{Result: t.cmd.Result, OnTime: !t.now.After(t.c.ResolveBy), UnreportedCoUnits: pending})
	if t.c.Channel.Chat() {
		// 原渠道直接反馈: a chat channel carries the result back itself.
		t.c.State = StateFeedbackGiven
		t.c.FeedbackAt = t.now
		t.record(ActionFeedback, FeedbackPayload{Via: string(t.c.Channel)})
		t.send(TemplateCaseResult, Recipient{Kind: ToComplainant}, map[string]string{"result": t.cmd.Result})
		t.survey()
	} else {
		t.send(TemplateCaseResolved, Recipient{Kind: ToRole, ID: string(RoleSchoolOffice)}, map[string]string{"result": t.cmd.Result})
	}
	return nil
}

// survey queues the satisfaction survey (回访) to the complainant, held
// back by the policy's delay and dropped at delivery if the case was rated
// (or closed) meanwhile.
func (t *transition) survey() {
	if t.policy.SurveyDelay <= 0 {
		return
	}
	t.messages = append(t.messages, Message{
		Template: TemplateCaseSurvey, To: Recipient{Kind: ToComplainant},
		Delay: t.policy.SurveyDelay, OnlyWhile: StateFeedbackGiven,
	})
}

func (t *transition) feedback() error {
	if !(t.actor.System || t.actor.Office() || t.actor.Has(RoleOperator) || t.actor.unitStaff(t.c.LeadUnit)) {
		return forbidden(ActionFeedback, t.actor, "only the lead unit, the hotline or the school office can record feedback")
	}
	if t.c.Channel.NeedsWrittenReport() {
		if err := required("report", t.cmd.Report); err != nil {
			return err
		}
		t.c.Report = t.cmd.Report
	}
	t.c.State = StateFeedbackGiven
	t.c.FeedbackAt = t.now
	t.record(ActionFeedback, FeedbackPayload{Via: string(t.c.Channel), Report: t.cmd.Report})
	return nil
}

func (t *transition) rate() error {
	if !(t.actor.System || t.actor.Office() || t.actor.Has(RoleOperator)) {
		return forbidden(ActionRate, t.actor, "ratings come from the complainant, through the channel or the hotline")
	}
	if !t.cmd.Rating.Valid() {
		return invalid("rating", "must be one of very_satisfied, satisfied, basically_satisfied, unsatisfied, very_unsatisfied")
	}
	t.c.Rating = t.cmd.Rating
	t.c.RatedAt = t.now
	data := RatePayload{Rating: string(t.cmd.Rating), Score: t.cmd.Rating.Score()}
	if !t.cmd.Rating.Unsatisfied() {
		t.c.State = StateRated
		t.record(ActionRate, data)
		return nil
	}
	// 二次办理: the unit takes it again, on a fresh clock of the same tier.
	contactBy, resolveBy, err := t.policy.Deadlines(t.c.Tier, t.now)
	if err != nil {
		return err
	}
	t.c.State = StateReopened
	t.c.Reopens++
	t.c.FirstHandler = ""
	t.c.AcceptedAt, t.c.ContactedAt, t.c.ResolvedAt, t.c.FeedbackAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	t.c.DispatchedAt = t.now
	t.c.ContactBy, t.c.ResolveBy = contactBy, resolveBy
	t.c.Extension = nil
	data.Reopened = true
	t.record(ActionRate, data)
	extra := map[string]string{"rating": string(t.cmd.Rating)}
	t.send(TemplateCaseReopened, Recipient{Kind: ToUnit, ID: t.c.LeadUnit}, extra)
	t.send(TemplateCaseReopenedOffice, Recipient{Kind: ToRole, ID: string(RoleSchoolOffice)}, extra)
	return nil
}

func (t *transition) close() error {
	if err := t.needOffice(); err != nil {
		return err
	}
	t.c.State = StateClosed
	t.c.ClosedAt = t.now
	t.record(ActionClose, ClosePayload{Rated: t.from == StateRated})
	return nil
}

func (t *transition) merge() error {
	if err := t.needOffice(); err != nil {
		return err
	}
	p := t.cmd.Primary
	if p == nil || p.ID == 0 {
		return invalid("primary", "is required")
	}
	if p.ID == t.c.ID {
		return invalid("primary", "a case cannot be merged into itself")
	}
	if p.State.Final() || p.MergedInto != 0 {
		return invalid("primary", "case "+p.Number+" is "+string(p.State)+" and cannot take a merge")
	}
	t.c.State = StateMerged
	t.c.MergedInto = p.ID
	t.c.ClosedAt = t.now
	t.record(ActionMerge, MergePayload{PrimaryID: p.ID, Primary: p.Number})
	if t.c.LeadUnit != "" && t.from != StateRegistered {
		t.send(TemplateCaseMerged, Recipient{Kind: ToUnit, ID: t.c.LeadUnit}, map[string]string{"primary": p.Number})
	}
	return nil
}

func (t *transition) withdraw() error {
	if !(t.actor.System || t.actor.Office() || t.actor.Has(RoleOperator)) {
		return forbidden(ActionWithdraw, t.actor, "only the complainant (through the channel or the hotline) can withdraw")
	}
	t.c.State = StateWithdrawn
	t.c.ClosedAt = t.now
	t.record(ActionWithdraw, WithdrawPayload{Reason: t.cmd.Reason})
	if t.c.LeadUnit != "" && t.from != StateRegistered {
		t.send(TemplateCaseWithdrawn, Recipient{Kind: ToUnit, ID: t.c.LeadUnit}, map[string]string{"reason": t.cmd.Reason})
	}
	return nil
}

func (t *transition) requestExtension() error {
	if err := t.needLeadUnit(); err != nil {
		return err
	}
	if t.c.Extension != nil && t.c.Extension.Status == ExtensionPending {
		return illegal(ActionRequestExtension, t.c.State, "an extension request is already pending")
	}
	// A unit that cannot finish in time says so before the time (the
	// policy's 不能按期办结的，应当说明理由): an extension granted after it
	// would turn a late case into one on time.
	if !t.c.ResolveBy.IsZero() && t.now.After(t.c.ResolveBy) {
		return illegal(ActionRequestExtension, t.c.State, "the resolve-by time has passed; an extension is asked for before it")
	}
	if err := required("reason", t.cmd.Reason); err != nil {
		return err
	}
	if t.cmd.Until.IsZero() {
		return invalid("until", "is required")
	}
	if !t.cmd.Until.After(t.c.ResolveBy) {
		return invalid("until", "must be later than the current resolve-by time")
	}
	t.c.Extension = &Extension{Until: t.cmd.Until, Reason: t.cmd.Reason, RequestedBy: t.actor.MemberID, RequestedAt: t.now, Status: ExtensionPending}
	t.record(ActionRequestExtension, ExtensionRequestPayload{Until: t.cmd.Until, Reason: t.cmd.Reason})
	t.send(TemplateExtensionRequested, Recipient{Kind: ToRole, ID: string(RoleSchoolOffice)}, map[string]string{"reason": t.cmd.Reason, "until": t.cmd.Until.In(Shanghai()).Format("2006-01-02 15:04")})
	return nil
}

func (t *transition) decideExtension() error {
	if err := t.needOffice(); err != nil {
		return err
	}
	if t.c.Extension == nil || t.c.Extension.Status != ExtensionPending {
		return illegal(t.cmd.Action, t.c.State, "no extension request is pending")
	}
	ext := *t.c.Extension
	ext.DecidedBy, ext.DecidedAt, ext.Note = t.actor.MemberID, t.now, t.cmd.Note
	data := ExtensionDecisionPayload{Until: ext.Until}
	template := TemplateExtensionRejected
	if t.cmd.Action == ActionApproveExtension {
		ext.Status = ExtensionApproved
		data.PreviousResolveBy = t.c.ResolveBy
		t.c.ResolveBy = ext.Until
		template = TemplateExtensionApproved
	} else {
		ext.Status = ExtensionRejected
	}
	t.c.Extension = &ext
	t.record(t.cmd.Action, data)
	t.send(template, Recipient{Kind: ToUnit, ID: t.c.LeadUnit}, map[string]string{"until": ext.Until.In(Shanghai()).Format("2006-01-02 15:04")})
	return nil
}

func (t *transition) exclude() error {
	// A chat channel may exclude on its own exactly one kind of case: the
	// complainant left no phone (匿名, or never answered), which the policy
	// takes out of assessment without anyone's judgement.
	systemNoContact := t.actor.System && t.cmd.Exclusion == ExcludeNoContact && t.c.Complainant.NoContact
	if !t.actor.Office() && !systemNoContact {
		return forbidden(ActionExclude, t.actor, "only the school office may exclude a case from assessment")
	}
	if t.c.Exclusion != nil {
		return illegal(ActionExclude, t.c.State, "already excluded as "+string(t.c.Exclusion.Reason))
	}
	if !t.cmd.Exclusion.Valid() {
		return invalid("reason", "must be legal, praise, no_contact or unsuitable")
	}
	t.c.Exclusion = &Exclusion{Reason: t.cmd.Exclusion, Note: t.cmd.Note, ApprovedBy: t.actor.MemberID, At: t.now}
	t.record(ActionExclude, ExcludePayload{Reason: string(t.cmd.Exclusion), ApprovedBy: t.actor.MemberID})
	return nil
}

// coUnit finds the assignment the actor acts for.
func (t *transition) coUnit() (int, error) {
	unit := t.cmd.Unit
	if unit == "" {
		unit = t.actor.Unit
	}
	_, i, ok := t.c.CoUnit(unit)
	if !ok {
		return -1, forbidden(t.cmd.Action, t.actor, "unit "+unit+" is not a co-unit of this case")
	}
	if !t.actor.unitStaff(unit) && !t.actor.Office() {
		return -1, forbidden(t.cmd.Action, t.actor, "only a member of unit "+unit+" can act for it")
	}
	return i, nil
}

func (t *transition) coAccept() error {
	i, err := t.coUnit()
	if err != nil {
		return err
	}
	a := &t.c.CoUnits[i]
	if a.State != AssignmentDispatched {
		return illegal(ActionCoAccept, t.c.State, "unit "+a.Unit+" already accepted its part")
	}
	t.c.CoUnits = append([]Assignment(nil), t.c.CoUnits...)
	a = &t.c.CoUnits[i]
	a.State, a.AcceptedBy, a.AcceptedAt = AssignmentAccepted, t.actor.MemberID, t.now
	t.record(ActionCoAccept, CoAcceptPayload{Unit: a.Unit})
	return nil
}

func (t *transition) coReport() error {
	i, err := t.coUnit()
	if err != nil {
		return err
	}
	if t.c.CoUnits[i].State == AssignmentReported {
		return illegal(ActionCoReport, t.c.State, "unit "+t.c.CoUnits[i].Unit+" already reported")
	}
	if err := required("report", t.cmd.Report); err != nil {
		return err
	}
	t.c.CoUnits = append([]Assignment(nil), t.c.CoUnits...)
	a := &t.c.CoUnits[i]
	if a.AcceptedBy == "" {
		a.AcceptedBy, a.AcceptedAt = t.actor.MemberID, t.now
	}
	a.State, a.Report, a.ReportedAt = AssignmentReported, t.cmd.Report, t.now
	t.record(ActionCoReport, CoReportPayload{Unit: a.Unit, Report: t.cmd.Report, OnTime: !t.now.After(a.DueBy)})
	t.send(TemplateCoReported, Recipient{Kind: ToUnit, ID: t.c.LeadUnit}, map[string]string{"unit": a.Unit, "report": t.cmd.Report})
	return nil
}

func (t *transition) supplement() error {
	if !(t.actor.System || t.actor.Office() || t.actor.Has(RoleOperator)) {
		return forbidden(ActionSupplement, t.actor, "only the complainant (through the channel or the hotline) can add to a case")
	}
	if strings.TrimSpace(t.cmd.Note) == "" {
		return invalid("note", "is required")
	}
	t.record(ActionSupplement, nil)
	if t.c.LeadUnit != "" && t.c.State != StateRegistered {
		t.send(TemplateCaseSupplemented, Recipient{Kind: ToUnit, ID: t.c.LeadUnit}, nil)
	}
	return nil
}
