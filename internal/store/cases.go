package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/jiesu/jiesu/internal/cases"
)

// errDuplicate ends a CreateCase transaction whose case already exists.
var errDuplicate = errors.New("duplicate case")

// CreateCase writes a new case with its co-units, events and messages in one
// transaction and gives it the next number of its registration day.
//
// If the channel reference (on its channel) or the member's idempotency key
// already names a case, nothing is written and that case is returned with
// created=false. Concurrent duplicates resolve to one case: the unique
// indexes decide, and on PostgreSQL the loser's insert waits for the
// winner's commit.
//
// One path for both databases: the number comes from the day's counter
// row (case_sequences), taken in the registration's own transaction, so
// numbers are gapless unless a registration fails, and in the order of
// commit: the row stays locked until the commit, so a case committed later
// never carries a smaller number of the same day, whichever replica
// registered it.
func (s *Store) CreateCase(ctx context.Context, out cases.Outcome, key CreateKey, opts ...CreateOption) (c cases.Case, created bool, err error) {
	var o createOptions
	for _, opt := range opts {
		opt(&o)
	}
	c = out.Case
	if c.RegisteredAt.IsZero() {
		return cases.Case{}, false, errors.New("create case: registered_at is required")
	}
	args, err := s.caseArgs(c)
	if err != nil {
		return cases.Case{}, false, fmt.Errorf("create case: %w", err)
	}
	args = append(args, key.IdempotencyKey, key.MemberID)
	deduplicated := c.ChannelRef != "" || key.IdempotencyKey != ""
	// A winner that vanished (deleted by hand) or a deadlock's victim sends
	// us round again; three times is already more than the database should
	// ever need.
	for attempt := 0; attempt < 3; attempt++ {
		if deduplicated {
			// A retry usually finds its case here, before it spends a number.
			existing, err := s.findDuplicate(ctx, out.Case, key)
			if err == nil {
				return existing, false, nil
			}
			if !errors.Is(err, cases.ErrNotFound) {
				return cases.Case{}, false, err
			}
		}
		err = s.createOnce(ctx, out, args, &c, o)
		if !errors.Is(err, errDuplicate) && !retryableTx(err) {
			break
		}
	}
	if errors.Is(err, errDuplicate) {
		existing, err := s.findDuplicate(ctx, out.Case, key)
		if err != nil {
			return cases.Case{}, false, err
		}
		return existing, false, nil
	}
	if err != nil {
		return cases.Case{}, false, fmt.Errorf("create case: %w", err)
	}
	return c, true, nil
}

// createOnce numbers and inserts the case, in a batch with those being
// registered at the same moment (create_batch.go).
func (s *Store) createOnce(ctx context.Context, out cases.Outcome, args []any, c *cases.Case, o createOptions) error {
	got, err := s.batch.register(ctx, out, args, o)
	if err == nil {
		*c = got
	}
	return err
}

// findDuplicate returns the case that c's channel reference or key names:
// one indexed probe, then the whole case only when there is one.
func (s *Store) findDuplicate(ctx context.Context, c cases.Case, key CreateKey) (cases.Case, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM cases
		WHERE (channel_ref <> '' AND channel = $1 AND channel_ref = $2)
		   OR (idempotency_key <> '' AND created_by = $3 AND idempotency_key = $4)
		ORDER BY id LIMIT 1`, string(c.Channel), c.ChannelRef, key.MemberID, key.IdempotencyKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Case{}, cases.ErrNotFound
	}
	if err != nil {
		return cases.Case{}, fmt.Errorf("find duplicate of %s %q: %w", c.Channel, c.ChannelRef, err)
	}
	return s.GetCase(ctx, id)
}

// ApplyOutcome writes a transition: the case as it is now (out.Case.Version
// is the new version), its co-units, the events and the messages, all or
// nothing. If the stored case is no longer at prevVersion, someone else
// moved it first: ErrConflict, and nothing is written.
func (s *Store) ApplyOutcome(ctx context.Context, prevVersion int, out cases.Outcome) error {
	c := out.Case
	if c.Version <= prevVersion {
		return fmt.Errorf("apply to case %d: new version %d must be above %d", c.ID, c.Version, prevVersion)
	}
	args, err := s.caseArgs(c)
	if err != nil {
		return fmt.Errorf("apply to case %d: %w", c.ID, err)
	}
	n := caseColumnCount()
	args = append(args, c.ID, prevVersion)
	q := s.d.updateCase(`(`+caseColumns+`) = `+values(0, 1, n), fmt.Sprintf(`id = $%d AND version = $%d`, n+1, n+2))
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("update: %w", err)
		}
		if rows, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update: %w", err)
		} else if rows == 0 {
			ok, err := caseExists(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			if !ok {
				return cases.ErrNotFound
			}
			return fmt.Errorf("not at version %d: %w", prevVersion, cases.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM case_assignments WHERE case_id = $1`, c.ID); err != nil {
			return fmt.Errorf("clear co-units: %w", err)
		}
		if err := s.insertAssignments(ctx, tx, c); err != nil {
			return err
		}
		if err := s.insertEvents(ctx, tx, c.ID, out.Events); err != nil {
			return err
		}
		if err := s.leaveIncident(ctx, tx, c, out.Events); err != nil {
			return err
		}
		return s.queueMessages(ctx, tx, c, out.Messages)
	})
	if err != nil {
		return fmt.Errorf("apply to case %d: %w", c.ID, err)
	}
	return nil
}

// GetCase returns the case with its co-units, or ErrNotFound.
func (s *Store) GetCase(ctx context.Context, id int64) (cases.Case, error) {
	var c cases.Case
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.getCase(ctx, tx, `WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return cases.Case{}, fmt.Errorf("case %d: %w", id, err)
	}
	return c, nil
}

// GetCaseByNumber returns the case numbered number (JS20261128-0042), or
// ErrNotFound.
func (s *Store) GetCaseByNumber(ctx context.Context, number string) (cases.Case, error) {
	var c cases.Case
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.getCase(ctx, tx, `WHERE number = $1`, number)
		return err
	})
	if err != nil {
		return cases.Case{}, fmt.Errorf("case %s: %w", number, err)
	}
	return c, nil
}

// GetCaseByRef returns the case that ref names: its id in decimal, or its
// number. ErrNotFound if there is none.
func (s *Store) GetCaseByRef(ctx context.Context, ref string) (cases.Case, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && strconv.FormatInt(id, 10) == ref {
		return s.GetCase(ctx, id)
	}
	return s.GetCaseByNumber(ctx, ref)
}

func (s *Store) getCase(ctx context.Context, q querier, where string, args ...any) (cases.Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, selectCase+" "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Case{}, cases.ErrNotFound
	}
	if err != nil {
		return cases.Case{}, err
	}
	cs := []cases.Case{c}
	if err := s.loadAssignments(ctx, q, cs); err != nil {
		return cases.Case{}, err
	}
	return cs[0], nil
}

func caseExists(ctx context.Context, q querier, id int64) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM cases WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up case %d: %w", id, err)
	}
	return true, nil
}

// readTx runs fn in a transaction that sees one snapshot, so that a case
// and its co-units read in two statements belong to the same version.
func (s *Store) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var opts *sql.TxOptions
	if s.d.postgres() {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
