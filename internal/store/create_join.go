package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jiesu/jiesu/internal/cases"
)

// joinPostgres registers a case that joins its key's open incident, the
// commonest registration in a burst, in two round trips on PostgreSQL:
//
//  1. BEGIN, the case with its co-units and events, and the incident read
//     and locked (as groupNew's openIncident does);
//  2. the membership, its event, the incident's next notice and the
//     case's messages (without its notice to the lead unit, which the
//     incident's notice counts), and COMMIT.
//
// The incident's lock is held from the end of the first to the commit,
// not across a dozen statements, which is what every registration of the
// key waits for. joined false (nothing written) when there is no incident
// to join as it stands: no open one, or one to close first, or a new one
// to open with its peers; groupNew's transaction handles those, rarer,
// cases.
func (s *Store) joinPostgres(ctx context.Context, c cases.Case, out cases.Outcome, args []any, o createOptions) (joined bool, err error) {
	k, _ := GroupKeyOf(c)
	g, now := *o.group, c.RegisteredAt
	evs, err := s.eventsStmt(c.ID, out.Events)
	if err != nil {
		return false, err
	}
	err = s.withPgx(ctx, func(conn *pgx.Conn) (err error) {
		defer func() {
			if !joined && conn.PgConn().TxStatus() != 'I' {
				// Nothing of this attempt may stay; a broken connection is
				// closed by pgx and leaves the pool.
				if _, rerr := conn.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil && err == nil {
					err = fmt.Errorf("rollback: %w", rerr)
				}
			}
		}()
		b := &pgx.Batch{}
		b.Queue("BEGIN")
		for _, st := range []stmt{s.caseStmt(c.ID, c.Number, args), s.assignmentsStmt(c), evs} {
			if !st.empty() {
				b.Queue(st.q, st.args...)
			}
		}
		read := s.openIncidentStmt(k, c.ID)
		b.Queue(read.q, read.args...)
		res := conn.SendBatch(ctx, b)
		for range b.Len() - 1 {
			if _, err := res.Exec(); err != nil {
				res.Close()
				return err
			}
		}
		var open bool
		inc, err := scanIncident(res.QueryRow(), &open)
		if cerr := res.Close(); err == nil {
			err = cerr
		}
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if !joinable(inc, open, now, g.Window) {
			return nil
		}
		m := peer{id: c.ID, state: c.State, registered: c.RegisteredAt}
		if m.registered.After(inc.LastCaseAt) {
			inc.LastCaseAt = m.registered
		}
		ev, err := s.eventsStmt(c.ID, []cases.Event{memberEvent(inc, m, "system", "incident_join", now)})
		if err != nil {
			return err
		}
		msgs, err := s.messagesStmt(c, withoutLeadNotice(c, out.Messages))
		if err != nil {
			return err
		}
		// The new case is in no incident yet, so the membership row is
		// always new: no need to read what the insert did.
		stmts := []stmt{s.memberStmt(inc.ID, c.ID, "system", now), ev, s.replanStmt(&inc, now, g), msgs, {q: "COMMIT"}}
		if err := sendAll(ctx, conn, stmts); err != nil {
			return err
		}
		joined = true
		return nil
	})
	if isDuplicate(err) {
		return false, errDuplicate
	}
	if err != nil {
		return false, fmt.Errorf("join incident: %w", err)
	}
	return joined, nil
}

// isDuplicate reports whether err is a new case refused by the channel
// reference or idempotency key of one already there.
func isDuplicate(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.TableName == "cases" &&
		(pgErr.ConstraintName == "cases_channel_ref" || pgErr.ConstraintName == "cases_idempotency")
}
