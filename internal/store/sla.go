package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// slaStale is the sla_next_at that means "look at this case at the next
// sweep": the distant past (year 1, the zero time.Time), which updateCase
// writes whenever a change bumps the case's version. It is a literal
// because d.time turns the zero time into NULL.
func (d dialect) slaStale() string {
	if d.postgres() {
		return `'0001-01-01 00:00:00+00'`
	}
	return `'0001-01-01T00:00:00.000000Z'`
}

// sweepChunk bounds the rows of one multi-row statement, well under
// SQLite's 32766 and PostgreSQL's 65535 parameters.
const sweepChunk = 500

// SLACase is what the sweep reads of a case whose unit's clock runs: enough
// to decide which escalation steps are due, and no more.
type SLACase struct {
	ID           int64
	Number       string
	Tier         cases.Tier
	State        cases.State
	LeadUnit     string
	FirstHandler string
	NoContact    bool
	DispatchedAt time.Time
	ContactBy    time.Time
	ResolveBy    time.Time
	Version      int
	// Incident is the incident the case is in (0: none) and JoinedAt when
	// it was added to it.
	Incident int64
	JoinedAt time.Time
}

// SLAMark claims one escalation step: the first transaction to insert its
// key fired (or skipped) it; everyone else's insert does nothing.
type SLAMark struct {
	Key     string
	CaseID  int64
	Outcome string // SLASent or SLASkipped
	At      time.Time
}

// Outcomes of an SLAMark.
const (
	SLASent    = "sent"
	SLASkipped = "skipped"
)

// SLANext is where a case's sweep cursor goes: the time of its next
// escalation step (zero: none left), written only if the case is still at
// Version, since a newer version is due for a fresh look anyway.
type SLANext struct {
	CaseID  int64
	Version int
	At      time.Time
}

// SweepTx is one run of a sweep job: everything it reads and writes is in
// one transaction, so a crash leaves either the whole run or none of it,
// and a message is queued exactly when its step is marked.
type SweepTx struct {
	s  *Store
	tx *sql.Tx
}

// Sweep runs fn in a transaction and commits if it returns nil. fn must use
// only t: on SQLite another query would wait for the connection t holds.
func (s *Store) Sweep(ctx context.Context, fn func(t *SweepTx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return fn(&SweepTx{s: s, tx: tx}) })
}

// SLAPolicy records the fingerprint of the escalation policy the sweep runs
// under. When it differs from the stored one (a new configuration), every
// case on the clock is made due, so that its steps are worked out again
// under the new chains; steps already marked stay marked.
func (t *SweepTx) SLAPolicy(ctx context.Context, fingerprint string) (changed bool, err error) {
	var have string
	err = t.tx.QueryRowContext(ctx, `SELECT value FROM sla_settings WHERE name = 'policy'`).Scan(&have)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("sla policy: %w", err)
	}
	if have == fingerprint {
		return false, nil
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE cases SET sla_next_at = `+t.s.d.slaStale()+` WHERE state IN `+clockStatesSQL()); err != nil {
		return false, fmt.Errorf("sla policy: reset cursors: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO sla_settings (name, value) VALUES ('policy', $1)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, fingerprint); err != nil {
		return false, fmt.Errorf("sla policy: %w", err)
	}
	return true, nil
}

// DueCases returns up to limit cases on the clock whose sweep cursor is at
// or before now, the longest-waiting first. Only the cases_sla_due index is
// read to find them: closed cases are not in it.
func (t *SweepTx) DueCases(ctx context.Context, now time.Time, limit int) ([]SLACase, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT c.id, c.number, c.tier, c.state, c.lead_unit, c.first_handler,
			c.complainant_no_contact, c.dispatched_at, c.contact_by, c.resolve_by, c.version,
			COALESCE(ic.incident_id, 0), ic.added_at
		FROM cases c LEFT JOIN incident_cases ic ON ic.case_id = c.id
		WHERE c.state IN `+clockStatesSQL()+` AND c.sla_next_at <= $1
		ORDER BY c.sla_next_at, c.id LIMIT $2`, t.s.d.time(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due cases: %w", err)
	}
	defer rows.Close()
	var out []SLACase
	for rows.Next() {
		var c SLACase
		if err := rows.Scan(&c.ID, &c.Number, &c.Tier, &c.State, &c.LeadUnit, &c.FirstHandler,
			&c.NoContact, timeCol{&c.DispatchedAt}, timeCol{&c.ContactBy}, timeCol{&c.ResolveBy}, &c.Version,
			&c.Incident, timeCol{&c.JoinedAt}); err != nil {
			return nil, fmt.Errorf("due cases: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due cases: %w", err)
	}
	return out, nil
}

// Claim inserts the marks and returns the keys this transaction won. A key
// another run inserted first (committed, or still in flight: PostgreSQL
// waits for it) is not won. Keys go in sorted, so that two runs claiming
// overlapping sets queue behind each other instead of deadlocking.
func (t *SweepTx) Claim(ctx context.Context, marks []SLAMark) (map[string]bool, error) {
	won := make(map[string]bool, len(marks))
	sorted := slices.Clone(marks)
	slices.SortFunc(sorted, func(a, b SLAMark) int { return strings.Compare(a.Key, b.Key) })
	for part := range slices.Chunk(sorted, sweepChunk) {
		args := make([]any, 0, 4*len(part))
		for _, m := range part {
			args = append(args, m.Key, m.CaseID, m.Outcome, t.s.d.time(m.At))
		}
		rows, err := t.tx.QueryContext(ctx, `INSERT INTO sla_marks (key, case_id, outcome, at)
			VALUES `+values(0, len(part), 4)+` ON CONFLICT (key) DO NOTHING RETURNING key`, args...)
		if err != nil {
			return nil, fmt.Errorf("claim steps: %w", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("claim steps: %w", err)
			}
			won[k] = true
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("claim steps: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("claim steps: %w", err)
		}
	}
	return won, nil
}

// AppendEvents appends events to their cases' histories (each event's
// CaseID says which).
func (t *SweepTx) AppendEvents(ctx context.Context, evs []cases.Event) error {
	const cols = 9
	for part := range slices.Chunk(evs, sweepChunk) {
		args := make([]any, 0, cols*len(part))
		for _, e := range part {
			a, err := t.s.eventArgs(e.CaseID, e)
			if err != nil {
				return err
			}
			args = append(args, a...)
		}
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO case_events
			(case_id, kind, actor, actor_unit, at, from_state, to_state, note, data)
			VALUES `+values(0, len(part), cols), args...); err != nil {
			return fmt.Errorf("append events: %w", err)
		}
	}
	return nil
}

// Enqueue is Store.Enqueue inside the run's transaction: items whose dedup
// key was queued before are skipped. It returns how many were new.
func (t *SweepTx) Enqueue(ctx context.Context, items []cases.OutboxItem, now time.Time) (int, error) {
	n := 0
	for part := range slices.Chunk(items, sweepChunk) {
		queued := make([]cases.OutboxItem, len(part))
		for i, it := range part {
			if it.NextAttemptAt.IsZero() {
				it.NextAttemptAt = now
			}
			it.CreatedAt = now
			queued[i] = it
		}
		k, err := t.s.insertOutbox(ctx, t.tx, queued)
		if err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}

// SetNext moves the cases' sweep cursors. A case whose version moved on
// meanwhile is left alone: updateCase already made it due.
func (t *SweepTx) SetNext(ctx context.Context, next []SLANext) error {
	// VALUES columns are column1, column2… in both dialects; PostgreSQL
	// needs the types spelled out, SQLite must not have a timestamptz
	// cast (it would make the text a number).
	row := "($%d, $%d, $%d)"
	if t.s.d.postgres() {
		row = "(CAST($%d AS bigint), CAST($%d AS integer), CAST($%d AS timestamptz))"
	}
	// In id order, as every sweep takes them: two sweeps racing lock the
	// rows in one order and queue rather than deadlock.
	sorted := slices.Clone(next)
	slices.SortFunc(sorted, func(a, b SLANext) int { return cmp.Compare(a.CaseID, b.CaseID) })
	for part := range slices.Chunk(sorted, sweepChunk) {
		args := make([]any, 0, 3*len(part))
		rows := make([]string, len(part))
		for i, n := range part {
			rows[i] = fmt.Sprintf(row, 3*i+1, 3*i+2, 3*i+3)
			args = append(args, n.CaseID, n.Version, t.s.d.time(n.At))
		}
		if _, err := t.tx.ExecContext(ctx, `UPDATE cases SET sla_next_at = v.column3
			FROM (VALUES `+strings.Join(rows, ", ")+`) AS v
			WHERE cases.id = v.column1 AND cases.version = v.column2`, args...); err != nil {
			return fmt.Errorf("move sweep cursors: %w", err)
		}
	}
	return nil
}

// SLAMarks returns the keys marked for a case, sorted, for tests and for
// explaining a case's escalations.
func (s *Store) SLAMarks(ctx context.Context, caseID int64) ([]SLAMark, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, case_id, outcome, at FROM sla_marks WHERE case_id = $1 ORDER BY key`, caseID)
	if err != nil {
		return nil, fmt.Errorf("sla marks of case %d: %w", caseID, err)
	}
	defer rows.Close()
	var out []SLAMark
	for rows.Next() {
		var m SLAMark
		if err := rows.Scan(&m.Key, &m.CaseID, &m.Outcome, timeCol{&m.At}); err != nil {
			return nil, fmt.Errorf("sla marks of case %d: %w", caseID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
