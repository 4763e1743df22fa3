package service

import "github.com/jiesu/jiesu/internal/cases"

// RefusedPayload is the data of a refused event: the action a member
// was refused (the why is the event's note).
type RefusedPayload struct {
	Action string `json:"action"`
}

// AttachPayload is the data of an attach event: the attachment stored
// and its kind (image, voice).
type AttachPayload struct {
	Attachment int64  `json:"attachment"`
	Kind       string `json:"kind"`
}

// EventAttach is the kind of the event of a complainant's attachment.
const EventAttach = "attach"

func (RefusedPayload) EventPayload() {}
func (AttachPayload) EventPayload()  {}

var (
	_ cases.Payload = RefusedPayload{}
	_ cases.Payload = AttachPayload{}
)
