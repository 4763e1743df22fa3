package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

const complainantColumns = `channel, identity, contact_sealed, contact_masked, contact_state,
	asked_at, supplement_until, last_message_at, updated_at`

// scanComplainant reads complainantColumns, then any extra columns into
// extra.
func scanComplainant(row scanner, extra ...any) (cases.ChatComplainant, error) {
	var c cases.ChatComplainant
	err := row.Scan(append([]any{&c.Channel, &c.Identity, &c.ContactSealed, &c.ContactMasked, &c.ContactState,
		timeCol{&c.AskedAt}, timeCol{&c.SupplementUntil}, timeCol{&c.LastMessageAt}, timeCol{&c.UpdatedAt}}, extra...)...)
	return c, err
}

// TouchComplainant records a message from the person at `at` and returns
// what is kept about them, creating the record on their first message: one
// round trip on the path of every message on PostgreSQL, committed without
// waiting for the disk (see writeMarks).
func (s *Store) TouchComplainant(ctx context.Context, channel cases.Channel, identity string, at time.Time) (cases.ChatComplainant, error) {
	var who cases.ChatComplainant
	if err := s.writeMarks(ctx, s.touchSteps(channel, identity, at, &who)...); err != nil {
		return cases.ChatComplainant{}, err
	}
	return who, nil
}

// touchSteps are TouchComplainant's statements, read into who: the touch,
// then the look for an open case (RETURNING cannot look at another table
// on SQLite).
func (s *Store) touchSteps(channel cases.Channel, identity string, at time.Time, who *cases.ChatComplainant) []step {
	return []step{{
		stmt: stmt{q: `INSERT INTO complainants (channel, identity, last_message_at, updated_at)
		VALUES ($1, $2, $3, $3)
		ON CONFLICT (channel, identity) DO UPDATE SET last_message_at = $3, updated_at = $3
		RETURNING ` + complainantColumns, args: []any{string(channel), identity, s.d.time(at)}},
		scan: func(row scanner) error {
			c, err := scanComplainant(row)
			if err != nil {
				return fmt.Errorf("touch complainant: %w", err)
			}
			*who = c
			return nil
		},
	}, {
		stmt: stmt{q: `SELECT ` + hasOpenCaseSQL(), args: []any{string(channel), identity}},
		scan: func(row scanner) error {
			if err := row.Scan(&who.HasOpenCase); err != nil {
				return fmt.Errorf("touch complainant: %w", err)
			}
			return nil
		},
	}}
}

// hasOpenCaseSQL says whether complainant $2 on channel $1 has a case still
// with a unit.
func hasOpenCaseSQL() string {
	return `EXISTS (SELECT 1 FROM cases WHERE complainant_identity = $2 AND channel = $1
	AND complainant_identity <> '' AND state IN ` + openStatesSQL() + `)`
}

// GetComplainant returns what is kept about a chat complainant, or
// ErrNotFound before their first message.
func (s *Store) GetComplainant(ctx context.Context, channel cases.Channel, identity string) (cases.ChatComplainant, error) {
	c, err := scanComplainant(s.db.QueryRowContext(ctx, `SELECT `+complainantColumns+`
		FROM complainants WHERE channel = $1 AND identity = $2`, string(channel), identity))
	if errors.Is(err, sql.ErrNoRows) {
		return cases.ChatComplainant{}, cases.ErrNotFound
	}
	if err != nil {
		return cases.ChatComplainant{}, fmt.Errorf("get complainant: %w", err)
	}
	return c, nil
}

// UpdateComplainant reads the complainant under a row lock, lets fn change
// it, and writes it back, so that two messages of one person handled at
// once cannot undo each other's change (a phone bound while the question
// lapses). fn returning an error writes nothing; the record is created
// first if the person has none yet.
func (s *Store) UpdateComplainant(ctx context.Context, channel cases.Channel, identity string, now time.Time, fn func(*cases.ChatComplainant) error) (cases.ChatComplainant, error) {
	var out cases.ChatComplainant
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO complainants (channel, identity, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (channel, identity) DO NOTHING`, string(channel), identity, s.d.time(now)); err != nil {
			return err
		}
		lock := ""
		if s.d.postgres() {
			lock = " FOR UPDATE"
		}
		c, err := scanComplainant(tx.QueryRowContext(ctx, `SELECT `+complainantColumns+`
			FROM complainants WHERE channel = $1 AND identity = $2`+lock, string(channel), identity))
		if err != nil {
			return err
		}
		if err := fn(&c); err != nil {
			return err
		}
		c.UpdatedAt = now
		_, err = tx.ExecContext(ctx, `UPDATE complainants SET contact_sealed = $3, contact_masked = $4,
			contact_state = $5, asked_at = $6, supplement_until = $7, last_message_at = $8, updated_at = $9
			WHERE channel = $1 AND identity = $2`,
			string(channel), identity, c.ContactSealed, c.ContactMasked, string(c.ContactState),
			s.d.time(c.AskedAt), s.d.time(c.SupplementUntil), s.d.time(c.LastMessageAt), s.d.time(c.UpdatedAt))
		out = c
		return err
	})
	if err != nil {
		return cases.ChatComplainant{}, fmt.Errorf("update complainant: %w", err)
	}
	return out, nil
}

// ComplainantsAskedBefore returns up to limit complainants whose phone
// question has waited since before `before`: the sweep settles them as
// unanswered.
func (s *Store) ComplainantsAskedBefore(ctx context.Context, before time.Time, limit int) ([]cases.ChatComplainant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+complainantColumns+` FROM complainants
		WHERE contact_state = 'asked' AND asked_at < $1 ORDER BY asked_at LIMIT $2`, s.d.time(before), limit)
	if err != nil {
		return nil, fmt.Errorf("complainants asked before %s: %w", before, err)
	}
	defer rows.Close()
	var out []cases.ChatComplainant
	for rows.Next() {
		c, err := scanComplainant(rows)
		if err != nil {
			return nil, fmt.Errorf("complainants asked before: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AskContact marks that the complainant was asked for a phone at `at`,
// if they never were, and reports whether this call did: only the first
// case's receipt asks. One statement, on the path of a first complaint,
// committed without waiting for the disk (see writeMarks).
func (s *Store) AskContact(ctx context.Context, channel cases.Channel, identity string, at time.Time) (bool, error) {
	var asked bool
	if err := s.writeMarks(ctx, s.askStep(channel, identity, at, &asked)); err != nil {
		return false, fmt.Errorf("ask contact: %w", err)
	}
	return asked, nil
}

// askStep is AskContact's statement; asked is set when it asked.
func (s *Store) askStep(channel cases.Channel, identity string, at time.Time, asked *bool) step {
	return step{
		stmt: stmt{q: `UPDATE complainants SET contact_state = 'asked', asked_at = $3, updated_at = $3
		WHERE channel = $1 AND identity = $2 AND contact_state = '' RETURNING true`,
			args: []any{string(channel), identity, s.d.time(at)}},
		scan: func(row scanner) error {
			err := row.Scan(asked)
			if errors.Is(err, sql.ErrNoRows) {
				return nil // asked before: nothing to do
			}
			return err
		},
	}
}

// LatestOpenCase returns the complainant's newest case that a unit still
// works on, without its co-units (one query on the path of every message:
// is this an addition to it?), or ErrNotFound.
func (s *Store) LatestOpenCase(ctx context.Context, channel cases.Channel, identity string) (cases.Case, error) {
	c, err := scanCase(s.db.QueryRowContext(ctx, selectCase+` WHERE complainant_identity = $1 AND channel = $2
		AND state IN `+openStatesSQL()+` ORDER BY id DESC LIMIT 1`, identity, string(channel)))
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Case{}, cases.ErrNotFound
	}
	if err != nil {
		return cases.Case{}, fmt.Errorf("latest open case: %w", err)
	}
	return c, nil
}
