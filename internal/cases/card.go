package cases

import "time"

// ChatCard is a card with buttons that a platform holds for one case: a
// WeCom template card, identified by its task id. A digest card lists
// several cases and has one row per case.
type ChatCard struct {
	Platform   string
	TaskID     string
	CaseNumber string
	Digest     bool
	CreatedAt  time.Time
	// ResponseCode is the newest code the platform gave for updating the
	// card (the send's, or a button press's), "" once used.
	ResponseCode string
	CodeAt       time.Time
	ClosedAt     time.Time
}
