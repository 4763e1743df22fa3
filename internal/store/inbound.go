package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
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
// several replicas, are handled once. One round trip for a new message,
// committed without waiting for the disk (see writeMarks).
func (s *Store) ClaimInbound(ctx context.Context, channel, key string, now time.Time, lease time.Duration) (InboundClaim, error) {
	var claim InboundClaim
	if err := s.writeMarks(ctx, s.claimStep(channel, key, now, lease, &claim)); err != nil {
		return InboundClaim{}, err
	}
	if claim.Claimed {
		return claim, nil
	}
	return s.GetInbound(ctx, channel, key)
}

// ClaimInboundTouching is ClaimInbound for a message from a chat
// complainant, who is touched as by TouchComplainant in the same
// transaction: on PostgreSQL in the same round trip, which is the first of
// every student's message.
func (s *Store) ClaimInboundTouching(ctx context.Context, channel cases.Channel, key, identity string, now time.Time, lease time.Duration) (InboundClaim, cases.ChatComplainant, error) {
	var (
		claim InboundClaim
		who   cases.ChatComplainant
	)
	steps := append([]step{s.claimStep(string(channel), key, now, lease, &claim)}, s.touchSteps(channel, identity, now, &who)...)
	if err := s.writeMarks(ctx, steps...); err != nil {
		return InboundClaim{}, cases.ChatComplainant{}, err
	}
	if !claim.Claimed {
		// Someone else has it: what they made of it is read afterwards.
		var err error
		if claim, err = s.GetInbound(ctx, string(channel), key); err != nil {
			return InboundClaim{}, cases.ChatComplainant{}, err
		}
	}
	return claim, who, nil
}

// claimStep is ClaimInbound's claim, read into claim.
func (s *Store) claimStep(channel, key string, now time.Time, lease time.Duration, claim *InboundClaim) step {
	return step{
		stmt: stmt{q: `INSERT INTO inbound_messages (channel, msg_key, state, lease_until, created_at)
		VALUES ($1, $2, 'processing', $3, $4)
		ON CONFLICT (channel, msg_key) DO UPDATE SET lease_until = excluded.lease_until
		WHERE inbound_messages.state = 'processing' AND inbound_messages.lease_until < $4
		RETURNING state`, args: []any{channel, key, s.d.time(now.Add(lease)), s.d.time(now)}},
		scan: func(row scanner) error {
			var err error
			*claim, err = claimed(key, row)
			return err
		},
	}
}

// claimed reads claimStmt's row: Claimed, or nothing when the message is
// someone else's (GetInbound then says what became of it).
func claimed(key string, row scanner) (InboundClaim, error) {
	var state sql.NullString
	err := row.Scan(&state)
	if err == nil && state.Valid {
		return InboundClaim{Claimed: true}, nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return InboundClaim{}, fmt.Errorf("claim inbound %s: %w", key, err)
	}
	return InboundClaim{}, nil
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

// FinishInbound records the reply given to a claimed message, committed
// without waiting for the disk (see writeMarks).
func (s *Store) FinishInbound(ctx context.Context, channel, key, replySealed string) error {
	if err := s.writeMarks(ctx, finishStep(channel, key, replySealed)); err != nil {
		return fmt.Errorf("finish inbound %s: %w", key, err)
	}
	return nil
}

// FinishInboundAsking is FinishInbound for a reply that asks the
// complainant for a phone, and records that it did, as AskContact does, in
// the same transaction: on PostgreSQL in the same round trip.
func (s *Store) FinishInboundAsking(ctx context.Context, channel cases.Channel, key, replySealed, identity string, at time.Time) error {
	var asked bool
	if err := s.writeMarks(ctx, finishStep(string(channel), key, replySealed), s.askStep(channel, identity, at, &asked)); err != nil {
		return fmt.Errorf("finish inbound %s: %w", key, err)
	}
	return nil
}

func finishStep(channel, key, replySealed string) step {
	return step{stmt: stmt{q: `UPDATE inbound_messages SET state = 'done', reply_sealed = $3 WHERE channel = $1 AND msg_key = $2`,
		args: []any{channel, key, replySealed}}}
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
