package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// SaveCard records a card sent for each of caseNumbers, with the code its
// send returned. Saving a card twice (a retried send) keeps the first.
func (s *Store) SaveCard(ctx context.Context, c cases.ChatCard, caseNumbers []string) error {
	if len(caseNumbers) == 0 {
		return nil
	}
	const cols = 7
	args := make([]any, 0, cols*len(caseNumbers))
	for _, n := range caseNumbers {
		args = append(args, c.Platform, c.TaskID, n, c.Digest, c.ResponseCode, s.d.time(c.CodeAt), s.d.time(c.CreatedAt))
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO chat_cards
		(platform, task_id, case_number, digest, response_code, code_at, created_at)
		VALUES `+values(0, len(caseNumbers), cols)+`
		ON CONFLICT (platform, task_id, case_number) DO NOTHING`, args...)
	if err != nil {
		return fmt.Errorf("save card %s: %w", c.TaskID, err)
	}
	return nil
}

// SetCardCode keeps a newer update code for the card taskID (a button
// press brings one). A closed card keeps none.
func (s *Store) SetCardCode(ctx context.Context, platform, taskID, code string, at time.Time) error {
	if code == "" {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `UPDATE chat_cards SET response_code = $3, code_at = $4
		WHERE platform = $1 AND task_id = $2 AND closed_at IS NULL`, platform, taskID, code, s.d.time(at))
	if err != nil {
		return fmt.Errorf("card %s code: %w", taskID, err)
	}
	return nil
}

// OpenCards returns the cards of a case not yet closed, oldest first.
func (s *Store) OpenCards(ctx context.Context, platform, caseNumber string) ([]cases.ChatCard, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT platform, task_id, case_number, digest, response_code,
		code_at, created_at, closed_at FROM chat_cards
		WHERE platform = $1 AND case_number = $2 AND closed_at IS NULL ORDER BY created_at, task_id`, platform, caseNumber)
	if err != nil {
		return nil, fmt.Errorf("cards of %s: %w", caseNumber, err)
	}
	defer rows.Close()
	var out []cases.ChatCard
	for rows.Next() {
		var c cases.ChatCard
		if err := rows.Scan(&c.Platform, &c.TaskID, &c.CaseNumber, &c.Digest, &c.ResponseCode,
			timeCol{&c.CodeAt}, timeCol{&c.CreatedAt}, timeCol{&c.ClosedAt}); err != nil {
			return nil, fmt.Errorf("cards of %s: %w", caseNumber, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cards of %s: %w", caseNumber, err)
	}
	return out, nil
}

// TakeCardCode returns the card's update code if it was given after
// notBefore, and clears it: a code is good for one update, so of two
// replicas updating the same card only one gets it. ErrNotFound when there
// is no usable code.
func (s *Store) TakeCardCode(ctx context.Context, platform, taskID string, notBefore time.Time) (string, error) {
	var code string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT response_code FROM chat_cards
			WHERE platform = $1 AND task_id = $2 AND response_code <> '' AND code_at > $3
			ORDER BY case_number LIMIT 1`+lockRow(s.d), platform, taskID, s.d.time(notBefore)).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			return cases.ErrNotFound
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE chat_cards SET response_code = ''
			WHERE platform = $1 AND task_id = $2 AND response_code = $3`, platform, taskID, code)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			// Another transaction took it between our read and write.
			return cases.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("take code of card %s: %w", taskID, err)
	}
	return code, nil
}

// CloseCard marks the card taskID as done for caseNumber ("" for every
// case on it): taking the case updated it, or it can no longer be.
func (s *Store) CloseCard(ctx context.Context, platform, taskID, caseNumber string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE chat_cards SET closed_at = $4
		WHERE platform = $1 AND task_id = $2 AND ($3 = '' OR case_number = $3) AND closed_at IS NULL`,
		platform, taskID, caseNumber, s.d.time(now))
	if err != nil {
		return fmt.Errorf("close card %s: %w", taskID, err)
	}
	return nil
}

// lockRow locks a row read to be updated on PostgreSQL; SQLite's IMMEDIATE
// transactions hold the whole database already.
func lockRow(d dialect) string {
	if d.postgres() {
		return " FOR UPDATE"
	}
	return ""
}
