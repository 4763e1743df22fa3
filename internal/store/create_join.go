package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jiesu/jiesu/internal/cases"
)

// joinPostgres registers a case with company for an incident, the
// commonest registration in a burst, in two round trips on PostgreSQL:
//
//  1. BEGIN, the case with its co-units and events, the key's open
//     incident read and locked (as groupNew's openIncident does), its
//     peers (as groupNew's peers), and an id for an incident to open
//     should there be none;
//  2. either joining the open incident, or opening one with the peers:
//     the memberships, their events, the incident's next notice and the
//     case's messages (without its notice to the lead unit, which the
//     incident's notice counts); and COMMIT.
//
// An open incident's lock is held from the end of the first to the
// commit, not across a dozen statements, which is what every
// registration of the key waits for. A case about another problem than
// its company's (Grouping.closest) is written there on its own, with its
// own notice. joined false (nothing written) when it cannot be done that
// way: an incident to close first, a peer taken by
// a concurrent incident, or a concurrent opening of the same key (its
// unique index refuses ours); groupNew's transaction handles those, rarer,
// cases, as it would all of them.
func (s *Store) joinPostgres(ctx context.Context, c cases.Case, out cases.Outcome, args []any, o createOptions) (joined bool, err error) {
	k, _ := cases.GroupKeyOf(c)
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
		inc, open, found, texts, peers, newID, err := s.joinRead(ctx, conn, c, k, evs, args, now.Add(-g.Window))
		if err != nil {
			return err
		}
		var stmts []stmt
		var members []peer
		switch {
		case found && joinable(inc, open, now, g.Window):
			if m, ok := g.joining(c, k.Place, texts); ok {
				members = []peer{m}
			}
		case !found && len(peers) > 0 && newID != 0:
			if members = g.company(c, k.Place, peers); len(members) > 0 {
				inc = cases.Incident{ID: newID, LeadUnit: k.LeadUnit, Category: k.Category, Place: k.Place, OpenedAt: now, LastCaseAt: now}
				stmts = []stmt{{q: `INSERT INTO incidents (id, group_key, lead_unit, category, place, opened_at, last_case_at)
				OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $6)`,
					args: []any{inc.ID, k.String(), k.LeadUnit, k.Category, k.Place, s.d.time(now)}}}
			}
		default:
			return nil
		}
		// A case about another problem than its company's is written on
		// its own, with its own notice to the unit.
		notices := out.Messages
		if len(members) > 0 {
			more, err := s.joinStmts(&inc, members, now, g)
			if err != nil {
				return err
			}
			stmts = append(stmts, more...)
			notices = withoutUnitNotices(c, out.Messages)
		}
		msgs, err := s.messagesStmt(c, notices)
		if err != nil {
			return err
		}
		if err := sendAll(ctx, conn, append(stmts, msgs, stmt{q: "COMMIT"})); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "23505" && (pgErr.TableName == "incidents" || pgErr.TableName == "incident_cases") {
				return nil // a concurrent incident got there first: groupNew sorts it out
			}
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

// joinRead is joinPostgres's first round trip. It leaves the transaction
// open. found says whether the key has an open incident (inc, locked;
// open: it still has another open case; texts: its cases'); newID is an
// incident id taken only when it had none.
func (s *Store) joinRead(ctx context.Context, conn *pgx.Conn, c cases.Case, k cases.GroupKey, evs stmt, args []any, since time.Time) (inc cases.Incident, open, found bool, texts []text, peers []peer, newID int64, err error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	// Exclusive: no case of the key commits on its own, unseen, between the
	// peers read below and the commit (see companyGuard).
	b.Queue(`SELECT pg_advisory_xact_lock(`+keyLock("$1")+`)`, k.String())
	for _, st := range []stmt{s.caseStmt(c.ID, c.Number, args), s.assignmentsStmt(c), evs} {
		if !st.empty() {
			b.Queue(st.q, st.args...)
		}
	}
	writes := b.Len()
	read := s.openIncidentStmt(k, c.ID)
	b.Queue(read.q, read.args...)
	mt := memberTextsStmt(k)
	b.Queue(mt.q, mt.args...)
	ps := s.peersStmt(k, c.ID, since, true)
	b.Queue(ps.q, ps.args...)
	b.Queue(`SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM incidents WHERE group_key = $1 AND closed_at IS NULL)
		THEN nextval(pg_get_serial_sequence('incidents', 'id')) END`, k.String())
	res := conn.SendBatch(ctx, b)
	defer func() {
		if cerr := res.Close(); err == nil {
			err = cerr
		}
	}()
	for range writes {
		if _, err = res.Exec(); err != nil {
			return
		}
	}
	inc, err = scanIncident(res.QueryRow(), &open)
	found = err == nil
	if errors.Is(err, pgx.ErrNoRows) {
		err = nil
	}
	if err != nil {
		return
	}
	rows, err := res.Query()
	if err != nil {
		return
	}
	texts, err = scanTexts(rows)
	rows.Close()
	if err != nil {
		return
	}
	if rows, err = res.Query(); err != nil {
		return
	}
	peers, err = scanPeers(rows)
	rows.Close()
	if err != nil {
		return
	}
	var id sql.NullInt64
	err = res.QueryRow().Scan(&id)
	newID = id.Int64
	return
}

// joinStmts put members, new cases in no incident, into inc: their
// memberships (refused, failing the transaction, if one was put into
// another incident meanwhile), their events and the incident's next
// notice, as addMembers does.
func (s *Store) joinStmts(inc *cases.Incident, members []peer, now time.Time, g Grouping) ([]stmt, error) {
	var out []stmt
	for _, m := range members {
		st := s.memberStmt(inc.ID, m.id, "system", now)
		if m.registered.After(inc.LastCaseAt) {
			inc.LastCaseAt = m.registered
		}
		ev, err := s.eventsStmt(m.id, []cases.Event{memberEvent(*inc, m, "system", "incident_join", now)})
		if err != nil {
			return nil, err
		}
		out = append(out, st, ev)
	}
	return append(out, s.replanStmt(inc, now, g)), nil
}

// isDuplicate reports whether err is a new case refused by the channel
// reference or idempotency key of one already there.
func isDuplicate(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.TableName == "cases" &&
		(pgErr.ConstraintName == "cases_channel_ref" || pgErr.ConstraintName == "cases_idempotency")
}
