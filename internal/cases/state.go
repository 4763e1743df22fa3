// Package cases is the domain of jiesu: a case, its states and the
// transitions between them, its tier and deadlines. It does no I/O: given a
// case, an actor, a command and a time it returns the new case, the events
// to append and the messages to queue, or a typed error. It also declares
// the records kept beside cases (incidents, chat complainants, attachments,
// chat cards, queued messages) and the sentinels, such as ErrNotFound, that
// storage fills and returns, so that no caller needs the store's types.
package cases

import "slices"

// State is where a case stands in its life. docs/architecture.md draws the graph.
type State string

const (
	StateRegistered    State = "registered"     // 已登记: recorded, waiting for dispatch (the triage queue)
	StateDispatched    State = "dispatched"     // 待接单: sent to a lead unit, not yet accepted
	StateAccepted      State = "accepted"       // 已接单: a member of the lead unit took it
	StateContacted     State = "contacted"      // 已联系: the unit reached the complainant
	StateResolved      State = "resolved"       // 已办结: the unit recorded a result
	StateFeedbackGiven State = "feedback_given" // 已反馈: the result went back to the complainant
	StateRated         State = "rated"          // 已评价: the complainant rated the handling
	StateReopened      State = "reopened"       // 重办: rated unsatisfied, back with the unit
	StateClosed        State = "closed"         // 已归档
	StateMerged        State = "merged"         // 已合并: folded into a primary case
	StateWithdrawn     State = "withdrawn"      // 已撤回
)

// States lists every state in lifecycle order.
var States = []State{
	StateRegistered, StateDispatched, StateAccepted, StateContacted, StateResolved,
	StateFeedbackGiven, StateRated, StateReopened, StateClosed, StateMerged, StateWithdrawn,
}

// OpenStates are the states in which a unit still owes work on the case;
// merge and withdraw are allowed only from these.
var OpenStates = []State{StateRegistered, StateDispatched, StateAccepted, StateContacted, StateReopened}

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	return slices.Contains(States, s)
}

// Open reports whether the case still waits on a unit.
func (s State) Open() bool {
	return slices.Contains(OpenStates, s)
}

// Final reports whether nothing more can happen to the case.
func (s State) Final() bool {
	return s == StateClosed || s == StateMerged || s == StateWithdrawn
}

// Tier is the response level of the policy's 三级响应.
type Tier string

const (
	TierUrgent    Tier = "urgent"    // accidents, instability, danger to life or property: 2 h
	TierEssential Tier = "essential" // water, power, gas, heating, blocked study or work: 24 h
	TierGeneral   Tier = "general"   // other matters: 5 natural days
)

// Tiers lists the tiers from the most to the least urgent.
var Tiers = []Tier{TierUrgent, TierEssential, TierGeneral}

// MoreUrgentThan reports whether t comes before u in Tiers.
func (t Tier) MoreUrgentThan(u Tier) bool {
	return slices.Index(Tiers, t) < slices.Index(Tiers, u)
}

// Valid reports whether t is a known tier.
func (t Tier) Valid() bool { return t == TierUrgent || t == TierEssential || t == TierGeneral }

// Channel is where a complaint came in.
type Channel string

const (
	ChannelWeChatOA      Channel = "wechat_oa"      // the Official Account
	ChannelWeb           Channel = "web"            // the web platform / sandbox
	ChannelHotline1234   Channel = "hotline_1234"   // campus 1234 line (80791234)
	ChannelPetitionLine  Channel = "petition_line"  // petition line (80794134)
	ChannelLeaderMailbox Channel = "leader_mailbox" // 书记院长信箱
	ChannelOAPetition    Channel = "oa_petition"    // 办公自动化信访模块
	ChannelCity12345     Channel = "city_12345"     // 北京市12345 transfers
	ChannelWeCom         Channel = "wecom"
	ChannelDingTalk      Channel = "dingtalk"
)

// Channels lists every channel.
var Channels = []Channel{
	ChannelWeChatOA, ChannelWeb, ChannelHotline1234, ChannelPetitionLine,
	ChannelLeaderMailbox, ChannelOAPetition, ChannelCity12345, ChannelWeCom, ChannelDingTalk,
}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	return slices.Contains(Channels, c)
}

// Chat reports whether the result can go back through the channel itself
// (原渠道直接反馈), so feedback follows the resolution at once.
func (c Channel) Chat() bool {
	return c == ChannelWeChatOA || c == ChannelWeb || c == ChannelWeCom || c == ChannelDingTalk
}

// NeedsWrittenReport reports whether the policy asks the lead unit for a
// written report to the school office (书面办理情况报告) before feedback.
func (c Channel) NeedsWrittenReport() bool {
	return c == ChannelCity12345 || c == ChannelLeaderMailbox || c == ChannelPetitionLine || c == ChannelOAPetition
}

// Rating is a satisfaction rating (满意度评价).
type Rating string

const (
	RatingVerySatisfied      Rating = "very_satisfied"      // 非常满意
	RatingSatisfied          Rating = "satisfied"           // 满意
	RatingBasicallySatisfied Rating = "basically_satisfied" // 基本满意
	RatingUnsatisfied        Rating = "unsatisfied"         // 不满意
	RatingVeryUnsatisfied    Rating = "very_unsatisfied"    // 非常不满意
)

// Ratings lists the ratings from best to worst, in the order a complainant
// answers them with the digits 1 to 5.
var Ratings = []Rating{RatingVerySatisfied, RatingSatisfied, RatingBasicallySatisfied, RatingUnsatisfied, RatingVeryUnsatisfied}

// Valid reports whether r is a known rating.
func (r Rating) Valid() bool {
	return slices.Contains(Ratings, r)
}

// Score is the policy's score for the rating: 100, 80 or 0.
func (r Rating) Score() int {
	switch r {
	case RatingVerySatisfied, RatingSatisfied:
		return 100
	case RatingBasicallySatisfied:
		return 80
	}
	return 0
}

// Unsatisfied reports whether the rating sends the case back (二次办理).
func (r Rating) Unsatisfied() bool { return r == RatingUnsatisfied || r == RatingVeryUnsatisfied }

// ExclusionReason is why a case is not counted in the assessment
// (不纳入考评); the policy lists exactly these.
type ExclusionReason string

const (
	ExcludeLegal      ExclusionReason = "legal"      // 涉法涉诉
	ExcludePraise     ExclusionReason = "praise"     // 表扬
	ExcludeNoContact  ExclusionReason = "no_contact" // 来电信息保密（无联系电话）
	ExcludeUnsuitable ExclusionReason = "unsuitable" // 经研判不宜纳入考评
)

// Valid reports whether r is one of the policy's reasons.
func (r ExclusionReason) Valid() bool {
	return r == ExcludeLegal || r == ExcludePraise || r == ExcludeNoContact || r == ExcludeUnsuitable
}
