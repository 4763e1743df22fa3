package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jiesu/jiesu/internal/cases"
)

// codeCompany is the SQLSTATE of companyGuard's refusal: it must equal the
// literal in jiesu_company_guard (migrations 0007 and 0009).
const codeCompany = "JS001"

// reservation is what createPostgres knows of a case before writing it.
type reservation struct {
	id      int64
	seq     int
	company bool // the case may join an incident: register the careful way
}

// createPostgres registers a case on PostgreSQL in one round trip, which
// matters because registration is the hot path of every channel: its id
// and number were taken ahead (create_numbers.go), so the case, co-units,
// events and outbox go in one pipelined implicit transaction, behind a
// guard that refuses it (writing nothing) when it has company for an
// incident. Registrations that arrive together share that round trip and
// its commit (create_batch.go).
//
// Whatever the batch did not write comes back here: a case with company
// is joined to its incident in two round trips (joinPostgres), or by
// groupNew's ordinary transaction when that incident must first be opened
// or closed; a case whose batch failed (a duplicate in it, most likely)
// first looks for its duplicate, then is written alone. A concurrent
// duplicate is stopped by the unique indexes, and the winner returned.
func (s *Store) createPostgres(ctx context.Context, out cases.Outcome, args []any, key CreateKey, o createOptions) (cases.Case, bool, error) {
	reg, err := s.batch.register(ctx, out, args, o)
	if err != nil {
		return cases.Case{}, false, fmt.Errorf("create case: %w", err)
	}
	c := out.Case
	if reg.wrote {
		c.ID, c.Number = reg.r.id, cases.Number(c.RegisteredAt, reg.r.seq)
		return c, true, nil
	}
	r := reg.r
	if r.id == 0 {
		// The batch could not take numbers; try once more alone.
		got, err := s.batch.nums.take(ctx, cases.Day(c.RegisteredAt), 1)
		if err != nil {
			return cases.Case{}, false, fmt.Errorf("create case: %w", err)
		}
		r.id, r.seq = got[0].id, got[0].seq
	}
	c.ID, c.Number = r.id, cases.Number(c.RegisteredAt, r.seq)
	look := reg.alone
	// Up to three writes; a write lost to a duplicate (or a deadlock) is
	// followed by a look for it, the last one's too.
	for writes := 0; ; writes++ {
		if look {
			var existing int64
			if existing, r.company, err = s.look(ctx, c, key, o); err != nil {
				return cases.Case{}, false, fmt.Errorf("create case: %w", err)
			}
			if existing != 0 {
				got, err := s.GetCase(ctx, existing)
				return got, false, err
			}
		}
		if writes == 3 {
			break
		}
		if r.company {
			var joined bool
			if joined, err = s.joinPostgres(ctx, c, out, args, o); err == nil && !joined {
				err = s.inTx(ctx, func(tx *sql.Tx) error {
					var err error
					c, err = s.insertCase(ctx, tx, out, args, r.id, c.Number, o)
					return err
				})
			}
		} else {
			err = s.writeNew(ctx, c, out, args, o)
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
			s.noteCompany(c, o)
			return c, true, nil
		case errors.Is(err, errCompany):
			r.company = true // found company since it looked: join it
		case retryableTx(err):
			// A deadlock's victim: retries of one complaint, one joining
			// an incident (its key's lock, then the case's unique index)
			// and one opening it (the index, then the lock), wait on each
			// other. Nothing was written; looking again finds the other's
			// case, or this one goes again.
			look = true
		case !errors.Is(err, errDuplicate):
			return cases.Case{}, false, fmt.Errorf("create case: %w", err)
		default:
			// Lost a race to a duplicate: looking again finds it (or, if it
			// has vanished since, registers this one after all).
			look = true
		}
	}
	return cases.Case{}, false, fmt.Errorf("create case %s %q: %w", out.Case.Channel, out.Case.ChannelRef, cases.ErrConflict)
}

// errCompany is companyGuard's refusal: the case was not written, since it
// has company for an incident.
var errCompany = errors.New("case has company for an incident")

// companyArgs are the arguments of jiesu_has_company (migration 0007) for
// c, grouped under gk.
func (s *Store) companyArgs(c cases.Case, gk cases.GroupKey, o createOptions) []any {
	return []any{gk.String(), gk.LeadUnit, gk.Category, gk.Place, s.d.time(c.RegisteredAt.Add(-o.group.Window))}
}

// companyGuard goes in front of new cases' statements in a pipeline: it
// refuses (codeCompany, the ids of those that have company in the detail)
// when any of regs has company, so that the implicit transaction writes
// nothing, and names them all, so that one more round trip writes the
// rest. Empty when none of regs is grouped.
//
// First it takes, until the commit, a shared lock on each key, which an
// incident being opened holds exclusively from before it reads its peers
// to its commit. So a case written on its own is either seen by the
// opening as a peer, or sees the incident; without the lock it could
// commit unseen while the incident opened, and stay out of it. The SQL is
// jiesu_company_guard (migrations 0007 and 0009), which takes the locks in
// the order of its arrays: the byte order of the keys in UTF-8, which Go's
// string comparison is, whatever the database's collation or encoding, so
// that two guards never wait on each other through an incident's exclusive
// request.
func (s *Store) companyGuard(regs []*registration) stmt {
	type grouped struct {
		reg *registration
		gk  cases.GroupKey
		key string
	}
	var gs []grouped
	for _, reg := range regs {
		if gk, ok := reg.o.groupKey(reg.out.Case); ok {
			gs = append(gs, grouped{reg, gk, gk.String()})
		}
	}
	slices.SortStableFunc(gs, func(a, b grouped) int { return strings.Compare(a.key, b.key) })
	var ids []int64
	var keys, units, categories, places []string
	var since []time.Time
	for _, g := range gs {
		reg, gk := g.reg, g.gk
		ids, keys = append(ids, reg.r.id), append(keys, g.key)
		units, categories, places = append(units, gk.LeadUnit), append(categories, gk.Category), append(places, gk.Place)
		// As dialect.time stores times: in UTC, to the microsecond.
		since = append(since, reg.out.Case.RegisteredAt.Add(-reg.o.group.Window).UTC().Truncate(time.Microsecond))
	}
	if len(ids) == 0 {
		return stmt{}
	}
	return stmt{q: `SELECT jiesu_company_guard($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])`,
		args: []any{ids, keys, units, categories, places, since}}
}

// keyLock is the advisory lock of the group key in the SQL text key (see
// companyGuard and jiesu_key_lock).
func keyLock(key string) string {
	return `jiesu_key_lock(` + key + `)`
}

// refusedForCompany returns the ids of the cases companyGuard refused in
// err, if it did.
func refusedForCompany(err error) (map[int64]bool, bool) {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != codeCompany {
		return nil, false
	}
	ids := map[int64]bool{}
	for _, f := range strings.Fields(pgErr.Detail) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, false
		}
		ids[id] = true
	}
	return ids, len(ids) > 0
}

// look finds c's duplicate, if there is one, and otherwise whether c has
// company, in one round trip.
func (s *Store) look(ctx context.Context, c cases.Case, key CreateKey, o createOptions) (existing int64, company bool, err error) {
	var args []any
	dup := `NULL::bigint`
	if c.ChannelRef != "" || key.IdempotencyKey != "" {
		// Two lookups of one unique index each, not one OR: a prepared
		// statement keeps the plan it chose when the table was small, and
		// for the OR that was a sequential scan, slower with every case.
		dup = `LEAST(
			(SELECT id FROM cases WHERE channel_ref <> '' AND channel = $1 AND channel_ref = $2),
			(SELECT id FROM cases WHERE idempotency_key <> '' AND created_by = $3 AND idempotency_key = $4))`
		args = append(args, string(c.Channel), c.ChannelRef, key.MemberID, key.IdempotencyKey)
	}
	comp := `false`
	if gk, ok := o.groupKey(c); ok {
		n := len(args)
		comp = fmt.Sprintf("jiesu_has_company($%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
		args = append(args, s.companyArgs(c, gk, o)...)
	}
	var found sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT `+dup+`, `+comp, args...).Scan(&found, &company); err != nil {
		return 0, false, fmt.Errorf("look for duplicate: %w", err)
	}
	return found.Int64, company && !found.Valid, nil
}

// writeNew writes a case that joins no incident, with its co-units, events
// and messages, in one round trip, unless it has company (errCompany).
func (s *Store) writeNew(ctx context.Context, c cases.Case, out cases.Outcome, args []any, o createOptions) error {
	stmts, err := s.newCaseStmts(c, out, args)
	if err != nil {
		return err
	}
	guard := s.companyGuard([]*registration{{out: out, o: o, r: reservation{id: c.ID}}})
	err = s.withPgx(ctx, func(conn *pgx.Conn) error { return sendAll(ctx, conn, append([]stmt{guard}, stmts...)) })
	if _, ok := refusedForCompany(err); ok {
		return errCompany
	}
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
