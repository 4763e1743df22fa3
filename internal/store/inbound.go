package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
// several replicas, are handled once. One round trip for a new message;
// on PostgreSQL it commits without waiting for the disk (see migration
// 0003 for why that is safe).
func (s *Store) ClaimInbound(ctx context.Context, channel, key string, now time.Time, lease time.Duration) (InboundClaim, error) {
	st := s.claimStmt(channel, key, now, lease)
	claim, err := claimed(key, s.db.QueryRowContext(ctx, st.q, st.args...))
	if err != nil || claim.Claimed {
		return claim, err
	}
	return s.GetInbound(ctx, channel, key)
}

// ClaimInboundTouching is ClaimInbound for a message from a chat
// complainant, who is touched as by TouchComplainant: on PostgreSQL in the
// same round trip, which is the first of every student's message.
func (s *Store) ClaimInboundTouching(ctx context.Context, channel cases.Channel, key, identity string, now time.Time, lease time.Duration) (InboundClaim, cases.ChatComplainant, error) {
	if !s.d.postgres() {
		claim, err := s.ClaimInbound(ctx, string(channel), key, now, lease)
		if err != nil {
			return InboundClaim{}, cases.ChatComplainant{}, err
		}
		who, err := s.TouchComplainant(ctx, channel, identity, now)
		return claim, who, err
	}
	var (
		claim InboundClaim
		who   cases.ChatComplainant
	)
	err := s.withPgx(ctx, func(conn *pgx.Conn) error {
		cl, touch := s.claimStmt(string(channel), key, now, lease), s.touchStmt(channel, identity, now)
		b := &pgx.Batch{}
		b.Queue(cl.q, cl.args...)
		b.Queue(touch.q, touch.args...)
		res := conn.SendBatch(ctx, b)
		var err error
		if claim, err = claimed(key, res.QueryRow()); err == nil {
			who, err = scanTouched(res.QueryRow())
		}
		// The implicit commit answers at Close: a claim is not ours
		// until it is committed.
		if cerr := res.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		return InboundClaim{}, cases.ChatComplainant{}, err
	}
	if !claim.Claimed {
		// Someone else has it: what they made of it is read afterwards, not
		// in the batch, whose connection is still busy with it.
		if claim, err = s.GetInbound(ctx, string(channel), key); err != nil {
			return InboundClaim{}, cases.ChatComplainant{}, err
		}
	}
	return claim, who, nil
}

// claimStmt is ClaimInbound's claim; on PostgreSQL the same, committed
// without waiting for the disk (see migration 0003 for why that is safe).
func (s *Store) claimStmt(channel, key string, now time.Time, lease time.Duration) stmt {
	q := `INSERT INTO inbound_messages (channel, msg_key, state, lease_until, created_at)
		VALUES ($1, $2, 'processing', $3, $4)
		ON CONFLICT (channel, msg_key) DO UPDATE SET lease_until = excluded.lease_until
		WHERE inbound_messages.state = 'processing' AND inbound_messages.lease_until < $4
		RETURNING state`
	if s.d.postgres() {
		q = `SELECT jiesu_claim_inbound($1, $2, $3, $4)`
	}
	return stmt{q: q, args: []any{channel, key, s.d.time(now.Add(lease)), s.d.time(now)}}
}

// claimed reads claimStmt's row: Claimed, or nothing when the message is
// someone else's (GetInbound then says what became of it).
func claimed(key string, row scanner) (InboundClaim, error) {
	var state sql.NullString
	err := row.Scan(&state)
	if err == nil && state.Valid {
		return InboundClaim{Claimed: true}, nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) && !errors.Is(err, pgx.ErrNoRows) {
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

// FinishInboundAsking is FinishInbound for a reply that asks the
// complainant for a phone, and records that it did, as AskContact does: on
// PostgreSQL in the same round trip and commit (neither waits for the
// disk).
func (s *Store) FinishInboundAsking(ctx context.Context, channel cases.Channel, key, replySealed, identity string, at time.Time) error {
	if !s.d.postgres() {
		if err := s.FinishInbound(ctx, string(channel), key, replySealed); err != nil {
			return err
		}
		_, err := s.AskContact(ctx, channel, identity, at)
		return err
	}
	err := s.withPgx(ctx, func(conn *pgx.Conn) error {
		return sendAll(ctx, conn, []stmt{
			{q: `SELECT jiesu_finish_inbound($1, $2, $3)`, args: []any{string(channel), key, replySealed}},
			{q: `SELECT jiesu_ask_contact($1, $2, $3)`, args: []any{string(channel), identity, s.d.time(at)}},
		})
	})
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
