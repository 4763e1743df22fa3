package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jiesu/jiesu/internal/cases"
)

// errRedo ends a batch's transaction that met duplicates: the batch goes
// again without them, so that numbers stay gapless.
var errRedo = errors.New("batch met duplicates")

// writeBatch writes batch in one transaction; a registration whose case is
// a duplicate gets errDuplicate and the others go on.
func (s *Store) writeBatch(ctx context.Context, batch []*registration) error {
	for _, reg := range batch {
		reg.err = nil
	}
	// A copy: removeReg moves the batch's own slice, which run reads after.
	live := append([]*registration(nil), batch...)
	for len(live) > 0 {
		var dups []*registration
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			if dups, err = s.writeCases(ctx, tx, live); err == nil && len(dups) > 0 {
				err = errRedo
			}
			return err
		})
		if !errors.Is(err, errRedo) {
			return err
		}
		for _, reg := range dups {
			reg.err = errDuplicate
			live = removeReg(live, reg)
		}
	}
	return nil
}

// writeCases numbers regs' cases and writes them with everything that
// comes with them, in tx, each kind of row in one statement for the whole
// batch: the round trips of a batch do not grow with its cases, but for
// the incidents' reads. It returns the registrations whose case was a
// duplicate, and then writes nothing more: tx must be rolled back.
func (s *Store) writeCases(ctx context.Context, tx *sql.Tx, regs []*registration) ([]*registration, error) {
	// The keys' locks before the numbers: whoever holds the counter row
	// never waits for anything a registration takes before it.
	if err := s.lockGroupKeys(ctx, tx, regs); err != nil {
		return nil, err
	}
	if err := takeNumbers(ctx, tx, regs); err != nil {
		return nil, err
	}
	if dups, err := s.insertCaseRows(ctx, tx, regs); err != nil || len(dups) > 0 {
		return dups, err
	}
	var assignments, events []any
	for _, reg := range regs {
		assignments = append(assignments, s.assignmentArgs(reg.c)...)
		for _, e := range reg.out.Events {
			a, err := s.eventArgs(reg.c.ID, e)
			if err != nil {
				return nil, err
			}
			events = append(events, a...)
		}
	}
	if err := s.rowsStmt(assignmentsShape, assignments).exec(ctx, tx, "insert co-units"); err != nil {
		return nil, err
	}
	// One case after another, in the order of their numbers: each sees the
	// incidents the ones before it opened or joined. Their events go with
	// the registrations', after them.
	var items []cases.OutboxItem
	for _, reg := range regs {
		msgs, joined, err := s.groupNew(ctx, tx, reg.c, reg.out.Messages, reg.o)
		if err != nil {
			return nil, err
		}
		events = append(events, joined...)
		items = append(items, messageItems(reg.c, msgs)...)
	}
	if err := s.rowsStmt(eventsShape, events).exec(ctx, tx, "append events"); err != nil {
		return nil, err
	}
	st, err := s.outboxStmt(items)
	if err != nil {
		return nil, err
	}
	return nil, st.exec(ctx, tx, "queue messages")
}

// takeNumbers gives regs' cases the next numbers of their days, in the
// order of regs, one statement a day. The counter rows stay locked until
// tx ends: registrations of one day commit one after another, in the order
// of their numbers.
func takeNumbers(ctx context.Context, tx *sql.Tx, regs []*registration) error {
	var days []string
	count := map[string]int{}
	for _, reg := range regs {
		day := cases.Day(reg.out.Case.RegisteredAt)
		if count[day] == 0 {
			days = append(days, day)
		}
		count[day]++
	}
	next := make(map[string]int, len(days))
	for _, day := range days {
		var last int
		err := tx.QueryRowContext(ctx, `INSERT INTO case_sequences (day, last) VALUES ($1, $2)
			ON CONFLICT (day) DO UPDATE SET last = case_sequences.last + excluded.last
			RETURNING last`, day, count[day]).Scan(&last)
		if err != nil {
			return fmt.Errorf("next numbers: %w", err)
		}
		next[day] = last - count[day] + 1
	}
	for _, reg := range regs {
		reg.c = reg.out.Case
		day := cases.Day(reg.c.RegisteredAt)
		reg.c.Number = cases.Number(reg.c.RegisteredAt, next[day])
		next[day]++
	}
	return nil
}

// insertCaseRows inserts regs' numbered cases in one statement and sets
// their ids; it returns those that a unique index refused (channel
// reference or idempotency key: "already there").
func (s *Store) insertCaseRows(ctx context.Context, tx *sql.Tx, regs []*registration) ([]*registration, error) {
	byNumber := make(map[string]*registration, len(regs))
	var args []any
	for _, reg := range regs {
		byNumber[reg.c.Number] = reg
		args = append(append(args, reg.c.Number), reg.args...)
	}
	// No conflict target: any unique index that objects means a duplicate.
	st := s.rowsStmt(casesShape, args)
	rows, err := tx.QueryContext(ctx, st.q+` ON CONFLICT DO NOTHING RETURNING id, number`, st.args...)
	if err != nil {
		return nil, fmt.Errorf("insert: %w", err)
	}
	defer rows.Close()
	inserted := 0
	for rows.Next() {
		var id int64
		var number string
		if err := rows.Scan(&id, &number); err != nil {
			return nil, fmt.Errorf("insert: %w", err)
		}
		byNumber[number].c.ID = id
		inserted++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("insert: %w", err)
	}
	if inserted == len(regs) {
		return nil, nil
	}
	var dups []*registration
	for _, reg := range regs {
		if reg.c.ID == 0 {
			dups = append(dups, reg)
		}
	}
	if err := numbersFree(ctx, tx, dups); err != nil {
		return nil, err
	}
	return dups, nil
}

// numbersFree fails when a refused case was refused for its number, not
// as a duplicate: the day's counter is behind the cases (a restore, a hand
// edit), and every registration of the day would meet the same wall. Said
// loudly, since calling it a duplicate would answer "not found".
func numbersFree(ctx context.Context, tx *sql.Tx, refused []*registration) error {
	for _, reg := range refused {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE number = $1`, reg.c.Number).Scan(&n)
		if err != nil {
			return fmt.Errorf("insert: look for number %s: %w", reg.c.Number, err)
		}
		if n > 0 {
			return fmt.Errorf("insert: case number %s is taken: the counter of day %s (case_sequences) is behind the cases", reg.c.Number, cases.Day(reg.c.RegisteredAt))
		}
	}
	return nil
}

// casesShape inserts new case rows: the number, caseArgs, the idempotency
// key and the creator.
var casesShape = rowsShape{head: `INSERT INTO cases (number, ` + caseColumns + `, idempotency_key, created_by)`,
	cols: 1 + caseColumnCount() + 2}

// rowsStmt is the INSERT of shape with args; empty when args is.
func (s *Store) rowsStmt(shape rowsShape, args []any) stmt {
	if len(args) == 0 {
		return stmt{}
	}
	return insertRows(s.texts, shape, args)
}
