package bot

import "time"

// Inbound is one thing a person did on a platform: wrote a message, sent a
// picture or a location, followed the account, pressed a button.
type Inbound struct {
	Platform string
	From     Person
	// Conversation is the group or chat the message came from (DingTalk
	// conversationId, WeCom chatid); empty for a private conversation with
	// the bot or app.
	Conversation string
	// MsgID is the platform's key for deduplicating its retries: MsgId for
	// messages, FromUserName+CreateTime for WeChat events, msgId for DingTalk.
	MsgID string
	At    time.Time
	Kind  InboundKind

	// Text is the message text, or the recognised text of a voice message.
	Text     string
	Media    *Media    // image, voice
	Location *Location // location
	Event    Event     // event
	Action   *Action   // action

	// ReplyHandle is an opaque, short-lived handle some platforms give for
	// answering this inbound later: a DingTalk sessionWebhook, a WeCom card
	// ResponseCode. The core passes it back untouched; only the platform
	// reads it.
	ReplyHandle string
}

// InboundKind says which of an Inbound's parts are filled in.
type InboundKind string

const (
	KindText     InboundKind = "text"
	KindImage    InboundKind = "image"
	KindVoice    InboundKind = "voice"
	KindLocation InboundKind = "location"
	KindEvent    InboundKind = "event"  // follow, unfollow, menu click, subscription result…
	KindAction   InboundKind = "action" // a button press or a command on a card or in a group
)

// Person is someone on a platform. ID is the platform's stable id for them:
// a WeChat openid, a WeCom userid, a DingTalk staff id.
type Person struct {
	Platform string
	ID       string
	Name     string // display name when the platform gives one; never trusted for identity
}

// Media is an attachment the platform holds. ID is what the platform's
// download API takes (WeChat MediaId, DingTalk downloadCode); URL is set
// when the platform gives one directly (WeChat PicUrl).
type Media struct {
	ID   string
	URL  string
	Type string // image, voice, video, file; or a MIME type when known
}

// Location is a point a person shared.
type Location struct {
	Lat, Lng float64
	Label    string // the platform's description of the place
}

// Event is a platform event: Name is the platform's event name (subscribe,
// CLICK, subscribe_msg_popup_event…), Key its key (EventKey).
type Event struct {
	Name string
	Key  string
}

// Action is a button press or a typed command (接单 JS20261128-0042) on a
// case. The platform decodes its own callback into this; the core maps the
// name onto the case's action.
type Action struct {
	Name       ActionName
	CaseNumber string
	// Value is the choice made, when the action has one: the digit of a
	// rating, the option of a selection, the reason typed after 退回.
	Value string
	// TaskID is the platform's id of the card that was pressed (WeCom
	// task_id, DingTalk outTrackId), to update that card afterwards.
	TaskID string
	// Digest is a press on a card that lists several cases: the platform
	// does not update it when a case is taken, so the reply is the
	// presser's only confirmation on it.
	Digest bool
}

// ActionName names what a button or command asks for. They are the case
// actions' names where one exists, so the core's mapping is the identity.
type ActionName string

const (
	ActionAccept     ActionName = "accept"
	ActionReturn     ActionName = "return"
	ActionContact    ActionName = "contact"
	ActionResolve    ActionName = "resolve"
	ActionExtension  ActionName = "request_extension"
	ActionApprove    ActionName = "approve_extension"
	ActionReject     ActionName = "reject_extension"
	ActionCoAccept   ActionName = "co_accept"
	ActionCoReport   ActionName = "co_report"
	ActionRate       ActionName = "rate"
	ActionSupplement ActionName = "supplement"
	ActionQuery      ActionName = "query" // 查询: list my cases
)
