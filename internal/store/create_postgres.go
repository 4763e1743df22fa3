package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jiesu/jiesu/internal/cases"
)

// reservation is what createPostgres learns in its first round trip.
type reservation struct {
	existing int64 // a case the channel reference or key already names; 0: none
	id       int64
	seq      int
	company  bool // the case may join an incident: register the careful way
}

// createPostgres registers a case on PostgreSQL in two round trips, which
// matters because registration is the hot path of every channel:
//
//  1. one statement looks for a duplicate and, when there is none, takes
//     the case's id and the day's next number (committing without waiting
//     for the disk: see jiesu_next_case_number) and says whether the case
//     has company for an incident;
//  2. the case, co-units, events and outbox go in one pipelined implicit
//     transaction.
//
// Both steps run for many registrations at once when they arrive together
// (see create_batch.go). A case with company takes, instead of step 2,
// two round trips that join it to its incident (joinPostgres), or
// groupNew's ordinary transaction when that incident must first be opened
// or closed. A concurrent duplicate that gets past step 1 is stopped by the unique
// indexes in step 2, which then fails whole; the winner is returned.
func (s *Store) createPostgres(ctx context.Context, out cases.Outcome, args []any, key CreateKey, o createOptions) (cases.Case, bool, error) {
	for attempt := 0; attempt < 3; attempt++ {
		reg, err := s.batch.register(ctx, out, args, key, o)
		if err != nil {
			return cases.Case{}, false, fmt.Errorf("create case: %w", err)
		}
		r, wrote := reg.r, reg.wrote
		if reg.alone {
			if r, err = s.reserve(ctx, out.Case, key, o); err != nil {
				return cases.Case{}, false, fmt.Errorf("create case: %w", err)
			}
		}
		if r.existing != 0 {
			c, err := s.GetCase(ctx, r.existing)
			return c, false, err
		}
		c := out.Case
		c.ID, c.Number = r.id, cases.Number(c.RegisteredAt, r.seq)
		switch {
		case wrote:
		case r.company:
			var joined bool
			if joined, err = s.joinPostgres(ctx, c, out, args, o); err == nil && !joined {
				err = s.inTx(ctx, func(tx *sql.Tx) error {
					var err error
					c, err = s.insertCase(ctx, tx, out, args, r.id, c.Number, o)
					return err
				})
			}
		default:
			err = s.writeNew(ctx, c, out, args)
		}
		if errors.Is(err, errDuplicate) || isOwnID(err) {
			// A batch that failed only in its answer (the connection lost
			// after the commit) wrote this case already, under its id.
			if got, gerr := s.GetCase(ctx, c.ID); gerr == nil && got.Number == c.Number {
				return got, true, nil
			}
		}
		switch {
		case err == nil:
			return c, true, nil
		case !errors.Is(err, errDuplicate):
			return cases.Case{}, false, fmt.Errorf("create case: %w", err)
		}
		// Lost a race to a duplicate: the next reservation finds it (or, if
		// it has vanished since, registers this one after all).
	}
	return cases.Case{}, false, fmt.Errorf("create case %s %q: %w", out.Case.Channel, out.Case.ChannelRef, ErrConflict)
}

// reserveStmt is createPostgres's first step, for one case. The CASEs
// keep a duplicate from spending a number or an id.
func (s *Store) reserveStmt(c cases.Case, key CreateKey, o createOptions) (string, []any) {
	args := []any{cases.Day(c.RegisteredAt)}
	existing := `NULL::bigint`
	if c.ChannelRef != "" || key.IdempotencyKey != "" {
		// Two lookups of one unique index each, not one OR: a prepared
		// statement keeps the plan it chose when the table was small, and
		// for the OR that was a sequential scan, slower with every case.
		existing = `LEAST(
			(SELECT id FROM cases WHERE channel_ref <> '' AND channel = $2 AND channel_ref = $3),
			(SELECT id FROM cases WHERE idempotency_key <> '' AND created_by = $4 AND idempotency_key = $5))`
		args = append(args, string(c.Channel), c.ChannelRef, key.MemberID, key.IdempotencyKey)
	}
	company := `false`
	if gk, ok := o.groupKey(c); ok {
		// A superset of what groupNew joins: an open incident of the key, or
		// an open case of it within the window.
		n := len(args)
		company = fmt.Sprintf(`EXISTS (SELECT 1 FROM incidents WHERE group_key = $%d AND closed_at IS NULL)
			OR EXISTS (SELECT 1 FROM cases WHERE lead_unit = $%d AND category = $%d AND place = $%d AND place <> ''
				AND state IN `+clockStatesSQL+` AND registered_at >= $%d)`, n+1, n+2, n+3, n+4, n+5)
		args = append(args, gk.String(), gk.LeadUnit, gk.Category, gk.Place, s.d.time(c.RegisteredAt.Add(-o.group.Window)))
	}
	// MATERIALIZED: the duplicate is looked up once, not once per use.
	return `WITH d AS MATERIALIZED (SELECT ` + existing + ` AS existing)
		SELECT d.existing,
			CASE WHEN d.existing IS NULL THEN nextval(pg_get_serial_sequence('cases', 'id')) END,
			CASE WHEN d.existing IS NULL THEN jiesu_next_case_number($1) END,
			d.existing IS NULL AND (` + company + `)
		FROM d`, args
}

// reserve is the first step for one case alone.
func (s *Store) reserve(ctx context.Context, c cases.Case, key CreateKey, o createOptions) (reservation, error) {
	q, args := s.reserveStmt(c, key, o)
	r, err := scanReservation(s.db.QueryRowContext(ctx, q, args...))
	if err != nil {
		return reservation{}, fmt.Errorf("reserve: %w", err)
	}
	return r, nil
}

// scanReservation reads a row of reserveStmt.
func scanReservation(row scanner) (reservation, error) {
	var r reservation
	var existing, id, seq sql.NullInt64
	if err := row.Scan(&existing, &id, &seq, &r.company); err != nil {
		return reservation{}, err
	}
	r.existing, r.id, r.seq = existing.Int64, id.Int64, int(seq.Int64)
	return r, nil
}

// writeNew writes a case that joins no incident, with its co-units, events
// and messages, in one round trip.
func (s *Store) writeNew(ctx context.Context, c cases.Case, out cases.Outcome, args []any) error {
	stmts, err := s.newCaseStmts(c, out, args)
	if err != nil {
		return err
	}
	err = s.withPgx(ctx, func(conn *pgx.Conn) error { return sendAll(ctx, conn, stmts) })
	if isDuplicate(err) {
		return errDuplicate
	}
	return err
}

// newCaseStmts are the statements of a new case that joins no incident.
func (s *Store) newCaseStmts(c cases.Case, out cases.Outcome, args []any) ([]stmt, error) {
	evs, err := s.eventsStmt(c.ID, out.Events)
	if err != nil {
		return nil, err
	}
	msgs, err := s.messagesStmt(c, out.Messages)
	if err != nil {
		return nil, err
	}
	return []stmt{s.caseStmt(c.ID, c.Number, args), s.assignmentsStmt(c), evs, msgs}, nil
}

// isOwnID reports whether err is a case refused because its id is taken,
// which with reserved ids means: by this very registration, earlier.
func isOwnID(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "cases_pkey"
}
