package bot

import "strings"

// Outbound is one message to one address.
type Outbound struct {
	Address Address
	Message Message
	// Part is the delivery of the outbound to make, when the sender plans
	// it in parts (see Planner); "" means the whole outbound.
	Part string
	// MayHaveArrived says that an earlier attempt of this outbound, under
	// the same Message.DedupKey, was handed to the platform and may have
	// reached it. Only then may a platform's "already sent" answer (WeCom's
	// 42014 for a used task_id) count as delivered.
	MayHaveArrived bool
}

// SendResult is what a platform said about a delivered message.
type SendResult struct {
	// MessageID is the platform's id (WeCom msgid, DingTalk
	// processQueryKey…), or a synthetic one where the platform gives none.
	MessageID string
	// Method is how it went, when a platform has several ways: WeChat's
	// customer_service, subscribe or template; WeCom's app or robot.
	Method string
}

// Address is who receives a message on which platform.
type Address struct {
	Platform string
	Kind     AddressKind
	// IDs are the platform's ids of the receivers: user ids for KindUser,
	// one group id for KindGroup, department or tag ids for KindList.
	IDs []string
	// Members are, for a unit's group, the unit members' user ids on the
	// same platform. A platform that cannot put buttons into a group
	// (WeCom) sends the card to them privately and a notice to the group;
	// one that can @-mention (DingTalk) may mention them.
	Members []string
	// Label names the receiver in jiesu's own terms (unit:logistics,
	// role:school_office, member:office-wang, complainant) for logs and the
	// sandbox; platforms do not address by it.
	Label string
}

// AddressKind is what the IDs of an Address are.
type AddressKind string

const (
	AddressUser  AddressKind = "user"
	AddressGroup AddressKind = "group"
	// AddressList is a platform's own list of people: a WeCom department or
	// tag, a DingTalk department.
	AddressList AddressKind = "list"
	// AddressRole is a jiesu role before the directory resolved it into
	// users. Senders never see it; one that does returns a permanent error.
	AddressRole AddressKind = "role"
)

// Message is what to say, in parts that each platform lays out its own way.
type Message struct {
	Kind MessageKind
	// Template is the name of the template the message was rendered from,
	// for logs and for platforms that map it to their own template (WeChat
	// template messages).
	Template string
	Title    string
	// Text is the body below the title, plain text with line breaks. It
	// repeats the Fields, so a platform without fields can send Title and
	// Text alone (see PlainText).
	Text   string
	Fields []Field
	Link   string // the case page
	// Links are jiesu's own links that Text quotes (a digest's case pages),
	// which a platform's escaper leaves as they are; no other text of the
	// message may become a link.
	Links   []string
	Actions []Button
	// CaseNumber is the case the message is about, for logs and for
	// platforms that put it in a card's task id.
	CaseNumber string
	// DedupKey is the same for every attempt to send this message, so a
	// platform with server-side deduplication (WeCom duplicate check,
	// DingTalk msgUuid) drops a retry that already went through.
	DedupKey string
	// Digest, when not empty, makes this message a digest: the outbox
	// folded these messages, oldest first, into one because the target's
	// rate limit had no room for each; Title and Text introduce them.
	Digest []Message
}

// MessageKind says how prominent a message is.
type MessageKind string

const (
	MessageText   MessageKind = "text"   // a plain reply, e.g. to a complainant
	MessageNotice MessageKind = "notice" // information for a group or a person, maybe with a link
	MessageCard   MessageKind = "card"   // asks for an action: has callback buttons
)

// Field is one label–value line of a card (类别：水电).
type Field struct {
	Label string
	Value string
}

// Button is an action a card offers. A button with a URL opens that page;
// one without is a callback whose Key is an ActionName.
type Button struct {
	Key   string
	Label string
	URL   string
}

// Callback reports whether pressing the button calls back rather than
// opening a page.
func (b Button) Callback() bool { return b.URL == "" }

// PlainText is the whole message as one text, for platforms and channels
// that show text only: the title, the body and the link when the body does
// not already carry it.
func (m Message) PlainText() string {
	var b strings.Builder
	b.WriteString(m.Title)
	if m.Text != "" {
		b.WriteString("\n")
		b.WriteString(m.Text)
	}
	if m.Link != "" && !strings.Contains(m.Text, m.Link) {
		b.WriteString("\n")
		b.WriteString(m.Link)
	}
	return b.String()
}
