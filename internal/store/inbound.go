package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Inbound message states.
const (
	InboundProcessing = "processing"
	InboundDone       = "done"
)

// InboundClaim is what ClaimInbound found for a platform message.
type InboundClaim struct {
	// Claimed: this caller handles the message now (it was new, or the
	// replica that claimed it before let its lease run out).
	Claimed bool
	// Done: the message was handled; ReplySealed is the answer given.
	Done        bool
	ReplySealed string
}

// ClaimInbound marks a platform message (channel, key) as being handled by
// the caller until now+lease, unless someone handles or handled it: the
// ground truth that a platform's retries, even concurrent ones and on
// several replicas, are handled once. One round trip for a new message;
// on PostgreSQL it commits without waiting for the disk (see migration
// 0003 for why that is safe).
func (s *Store) ClaimInbound(ctx context.Context, channel, key string, now time.Time, lease time.Duration) (InboundClaim, error) {
	var state sql.NullString
	q := `INSERT INTO inbound_messages (channel, msg_key, state, lease_until, created_at)
		VALUES ($1, $2, 'processing', $3, $4)
		ON CONFLICT (channel, msg_key) DO UPDATE SET lease_until = excluded.lease_until
		WHERE inbound_messages.state = 'processing' AND inbound_messages.lease_until < $4
		RETURNING state`
	if s.d.postgres() {
		q = `SELECT jiesu_claim_inbound($1, $2, $3, $4)` // the same, committed without waiting for the disk
	}
	err := s.db.QueryRowContext(ctx, q, channel, key, s.d.time(now.Add(lease)), s.d.time(now)).Scan(&state)
	if err == nil && state.Valid {
		return InboundClaim{Claimed: true}, nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return InboundClaim{}, fmt.Errorf("claim inbound %s: %w", key, err)
	}
	return s.GetInbound(ctx, channel, key)
}

// GetInbound returns the state of a platform message: Done with its reply,
// or neither (someone is handling it, or nobody ever did).
func (s *Store) GetInbound(ctx context.Context, channel, key string) (InboundClaim, error) {
	var state, reply string
	err := s.db.QueryRowContext(ctx, `SELECT state, reply_sealed FROM inbound_messages
		WHERE channel = $1 AND msg_key = $2`, channel, key).Scan(&state, &reply)
	if errors.Is(err, sql.ErrNoRows) {
		return InboundClaim{}, nil
	}
	if err != nil {
		return InboundClaim{}, fmt.Errorf("get inbound %s: %w", key, err)
	}
	return InboundClaim{Done: state == InboundDone, ReplySealed: reply}, nil
}

// FinishInbound records the reply given to a claimed message.
func (s *Store) FinishInbound(ctx context.Context, channel, key, replySealed string) error {
	q := `UPDATE inbound_messages SET state = 'done', reply_sealed = $3 WHERE channel = $1 AND msg_key = $2`
	if s.d.postgres() {
		q = `SELECT jiesu_finish_inbound($1, $2, $3)`
	}
	_, err := s.db.ExecContext(ctx, q, channel, key, replySealed)
	if err != nil {
		return fmt.Errorf("finish inbound %s: %w", key, err)
	}
	return nil
}

// ReleaseInbound gives up a claim whose handling failed, so that the
// platform's retry handles the message afresh instead of waiting out the
// lease.
func (s *Store) ReleaseInbound(ctx context.Context, channel, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM inbound_messages
		WHERE channel = $1 AND msg_key = $2 AND state = 'processing'`, channel, key)
	if err != nil {
		return fmt.Errorf("release inbound %s: %w", key, err)
	}
	return nil
}

// PruneInbound forgets messages received before `before`: platforms stop
// retrying within minutes, so old marks only take space.
func (s *Store) PruneInbound(ctx context.Context, before time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM inbound_messages WHERE created_at < $1`, s.d.time(before))
	if err != nil {
		return 0, fmt.Errorf("prune inbound: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune inbound: %w", err)
	}
	return int(n), nil
}
