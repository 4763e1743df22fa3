// Package store keeps cases, their events, the outbox and API tokens in SQL:
// PostgreSQL (pgx) in production, SQLite (modernc) as the embedded default.
// The Go is written once; only SQL strings that must differ are per dialect.
package store

import (
	"errors"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// Sentinels callers test with errors.Is.
var (
	ErrNotFound      = errors.New("not found")
	ErrConflict      = errors.New("conflict: the case changed meanwhile")
	ErrSchemaTooNew  = errors.New("database schema is newer than this binary")
	ErrSchemaPending = errors.New("database schema has pending migrations")
)

// CaseFilter selects cases for a list. Zero fields do not filter.
type CaseFilter struct {
	Unit       string // lead unit or co-unit
	States     []cases.State
	Tier       cases.Tier
	Channel    cases.Channel
	Identity   string    // complainant identity (WeChat openid)
	OverdueAt  time.Time // only cases past their resolve-by time at this instant
	From, To   time.Time // registered in [From, To)
	Text       string    // substring of content, number or place
	Triage     bool      // only cases in the triage queue (registered, no unit)
	ReadableBy string    // restrict to this unit's cases (lead or co-unit)
	Limit      int
	// After is the paging cursor: the id of the last case of the previous page
	// (lists go newest first).
	After int64
}

// CreateKey deduplicates creation: the same idempotency key from the same
// member, or the same channel reference on the same channel, returns the
// first case.
type CreateKey struct {
	IdempotencyKey string
	MemberID       string
}

// OutboxState is where a queued message stands.
type OutboxState string

const (
	OutboxPending OutboxState = "pending"
	OutboxSending OutboxState = "sending" // claimed under a lease
	OutboxSent    OutboxState = "sent"
	OutboxDead    OutboxState = "dead" // gave up: attempts used or a permanent error
)

// OutboxItem is one queued outbound message.
type OutboxItem struct {
	ID            int64
	CaseID        int64
	Template      string
	To            cases.Recipient
	Data          map[string]string
	DedupKey      string
	State         OutboxState
	Attempts      int
	NextAttemptAt time.Time
	LeaseUntil    time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
	Platform      string // which sender delivered it
	PlatformMsgID string
}
