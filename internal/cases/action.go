package cases

import (
	"slices"
	"time"
)

// Action is something a person or the system does to a case.
type Action string

const (
	ActionRegister         Action = "register"
	ActionDispatch         Action = "dispatch"          // 转办: to a lead unit (and co-units); also re-dispatch after a return
	ActionAccept           Action = "accept"            // 接单
	ActionReturn           Action = "return"            // 退回: misrouted, back to the triage queue
	ActionContact          Action = "contact"           // 响应: the complainant was reached
	ActionResolve          Action = "resolve"           // 办结
	ActionFeedback         Action = "feedback"          // 反馈: result given back (by phone, or the written report)
	ActionRate             Action = "rate"              // 满意度评价
	ActionClose            Action = "close"             // 归档
	ActionMerge            Action = "merge"             // 合并 into a primary case
	ActionWithdraw         Action = "withdraw"          // 撤回
	ActionRequestExtension Action = "request_extension" // 申请延期
	ActionApproveExtension Action = "approve_extension"
	ActionRejectExtension  Action = "reject_extension"
	ActionExclude          Action = "exclude" // 不纳入考评
	ActionCoAccept         Action = "co_accept"
	ActionCoReport         Action = "co_report" // 协办单位报送办理情况
	ActionSupplement       Action = "supplement"
	ActionChangeTier       Action = "change_tier" // 调整响应等级
)

// Actions lists every action that Apply knows (register is New's).
var Actions = []Action{
	ActionDispatch, ActionAccept, ActionReturn, ActionContact, ActionResolve, ActionFeedback,
	ActionRate, ActionClose, ActionMerge, ActionWithdraw, ActionRequestExtension,
	ActionApproveExtension, ActionRejectExtension, ActionExclude, ActionCoAccept, ActionCoReport,
	ActionSupplement, ActionChangeTier,
}

// Valid reports whether a is an action Apply knows.
func (a Action) Valid() bool {
	return slices.Contains(Actions, a)
}

// Command is an action with its parameters; each action reads the fields it
// needs and ignores the rest.
type Command struct {
	Action Action

	LeadUnit string   // dispatch
	CoUnits  []string // dispatch
	Tier     Tier     // dispatch: optional override of the routed tier; change_tier: the new tier
	Category string   // dispatch: optional override

	Note   string    // any action: free text for the timeline
	Reason string    // return, withdraw, request_extension, exclude, change_tier
	Result string    // resolve
	Report string    // feedback (written report), co_report
	Rating Rating    // rate
	Until  time.Time // request_extension: the new resolve-by time
	Unit   string    // co_accept, co_report: which co-unit acts (defaults to the actor's)

	Exclusion ExclusionReason // exclude

	// Primary is the case to merge into, loaded by the caller; Apply checks
	// that it can take the merge.
	Primary *Case
}

// Problems are every text of the command that fails CheckText, at once.
func (cmd Command) Problems() Problems {
	var ps Problems
	ps.Text("note", cmd.Note, MaxNoteLength)
	ps.Text("reason", cmd.Reason, MaxNoteLength)
	ps.Text("result", cmd.Result, MaxNoteLength)
	ps.Text("report", cmd.Report, MaxNoteLength)
	ps.Text("lead_unit", cmd.LeadUnit, MaxNameIDLength)
	ps.checkIDs("co_units", cmd.CoUnits)
	ps.Text("tier", string(cmd.Tier), MaxNameIDLength)
	ps.Text("category", cmd.Category, MaxNameIDLength)
	ps.Text("rating", string(cmd.Rating), MaxNameIDLength)
	ps.Text("unit", cmd.Unit, MaxNameIDLength)
	return ps
}
