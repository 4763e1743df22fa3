package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jiesu/jiesu/internal/cases"
)

// eventArgs returns an event's values for the columns of insertEvents.
func (s *Store) eventArgs(caseID int64, e cases.Event) ([]any, error) {
	var data any
	if len(e.Data) > 0 {
		var err error
		if data, err = jsonArg(e.Data); err != nil {
			return nil, fmt.Errorf("event %s: %w", e.Kind, err)
		}
	}
	return []any{caseID, e.Kind, e.Actor, e.ActorUnit, s.d.time(e.At),
		string(e.From), string(e.To), e.Note, data}, nil
}

// insertEvents appends evs to the history of case caseID, whatever CaseID
// the events carry (a new case has none yet).
func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, caseID int64, evs []cases.Event) error {
	st, err := s.eventsStmt(caseID, evs)
	if err != nil {
		return err
	}
	return st.exec(ctx, tx, "append events")
}

// eventsStmt is the statement of insertEvents; empty when evs is.
func (s *Store) eventsStmt(caseID int64, evs []cases.Event) (stmt, error) {
	if len(evs) == 0 {
		return stmt{}, nil
	}
	args := make([]any, 0, eventsShape.cols*len(evs))
	for _, e := range evs {
		a, err := s.eventArgs(caseID, e)
		if err != nil {
			return stmt{}, err
		}
		args = append(args, a...)
	}
	return insertRows(s.texts, eventsShape, args), nil
}

// eventsShape appends events, the rows of eventArgs.
var eventsShape = rowsShape{head: `INSERT INTO case_events (case_id, kind, actor, actor_unit, at, from_state, to_state, note, data)`,
	cols: 9}

// AppendEvent records something that happened to a case without changing
// it, such as a member revealing the complainant's contact. ErrNotFound if
// the case does not exist.
func (s *Store) AppendEvent(ctx context.Context, e cases.Event) error {
	args, err := s.eventArgs(e.CaseID, e)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO case_events
		(case_id, kind, actor, actor_unit, at, from_state, to_state, note, data)
		VALUES `+values(0, 1, len(args)), args...)
	if err != nil {
		// The foreign key refused it, most likely; asking beats parsing two
		// drivers' error codes.
		if ok, xerr := caseExists(ctx, s.db, e.CaseID); xerr == nil && !ok {
			err = cases.ErrNotFound
		}
		return fmt.Errorf("append %s to case %d: %w", e.Kind, e.CaseID, err)
	}
	return nil
}

// Events returns the history of a case, oldest first. A case without events
// (or no case at all) gives an empty history, not an error.
func (s *Store) Events(ctx context.Context, caseID int64) ([]cases.Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT case_id, kind, actor, actor_unit, at, from_state, to_state, note, data
		FROM case_events WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("events of case %d: %w", caseID, err)
	}
	defer rows.Close()
	var evs []cases.Event
	for rows.Next() {
		var e cases.Event
		if err := rows.Scan(&e.CaseID, &e.Kind, &e.Actor, &e.ActorUnit, timeCol{&e.At},
			&e.From, &e.To, &e.Note, jsonCol{&e.Data}); err != nil {
			return nil, fmt.Errorf("events of case %d: %w", caseID, err)
		}
		evs = append(evs, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events of case %d: %w", caseID, err)
	}
	return evs, nil
}
