package cases

import (
	"errors"
	"slices"
	"time"
)

// ErrOutboxState is a retry or drop of a message in a state that does not
// allow it: only dead messages are retried, only dead or pending ones
// dropped.
var ErrOutboxState = errors.New("the message is not in a state that allows this")

// OutboxState is where a queued message stands.
type OutboxState string

const (
	OutboxPending OutboxState = "pending"
	OutboxSending OutboxState = "sending" // claimed under a lease
	OutboxSent    OutboxState = "sent"
	OutboxDead    OutboxState = "dead" // gave up: attempts used or a permanent error
	// OutboxDropped is a message someone gave up on by hand (DropOutbox).
	// It keeps its row so that its dedup key is never queued again.
	OutboxDropped OutboxState = "dropped"
)

// OutboxStates lists every state a message can be in.
var OutboxStates = []OutboxState{OutboxPending, OutboxSending, OutboxSent, OutboxDead, OutboxDropped}

// Valid reports whether st is one of OutboxStates.
func (st OutboxState) Valid() bool { return slices.Contains(OutboxStates, st) }

// OutboxItem is one queued outbound message: a Message at rest in the
// outbox, with where its delivery stands.
type OutboxItem struct {
	ID            int64
	CaseID        int64
	Template      Template
	To            Recipient
	Data          map[string]string
	DedupKey      string
	State         OutboxState
	Attempts      int
	NextAttemptAt time.Time
	LeaseUntil    time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
	DeadAt        time.Time // when it went dead; zero unless it did
	Platform      string    // which sender delivered it
	PlatformMsgID string
	// OnlyWhile: deliver only while the case is still in this state
	// (State.Holds; WhileOnClock: in any state of the unit's clock).
	OnlyWhile State
	// SentAs is the dedup key the message was last handed to a platform
	// under (its own, or its digest's), recorded before the send; empty
	// while no attempt may have reached a platform.
	SentAs string
}
