package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// sealedColumn is a column holding values sealed with the keyring, and the
// columns of its table's primary key.
type sealedColumn struct {
	table, column string
	key           []string
}

// sealedColumns are every column the keyring seals into. A migration that
// adds one adds it here, or a key rotation would leave it behind.
func sealedColumns() []sealedColumn {
	return []sealedColumn{
		{"cases", "complainant_name_sealed", []string{"id"}},
		{"cases", "complainant_contact_sealed", []string{"id"}},
		{"complainants", "contact_sealed", []string{"channel", "identity"}},
		{"inbound_messages", "reply_sealed", []string{"channel", "msg_key"}},
	}
}

// ResealCount is what Reseal did to one column.
type ResealCount struct {
	Column   string // table.column
	Resealed int
	// Left are the values still under another key once Reseal is done:
	// those it could not open, and those a replica still sealing with the
	// old keyring wrote meanwhile. A key may be retired when every Left is 0.
	Left int
}

// ResealFunc re-encrypts a sealed value under the active key, reporting
// whether it changed (secret.Keyring.Reseal).
type ResealFunc func(sealed string) (string, bool, error)

// DefaultResealBatch is how many rows Reseal reads and rewrites per
// transaction: short ones, so that a running server's writes wait little.
const DefaultResealBatch = 200

// Reseal rewrites every sealed value not under the key activeID with
// reseal, batch rows per transaction, then counts per column what is left
// under other keys. A value that cannot be opened is left as it is and
// reported in the error (by table and key, never its content); the others
// are still resealed. A case resealed gets a new version, so that a
// transition that read it before cannot write the old value back.
func (s *Store) Reseal(ctx context.Context, activeID string, reseal ResealFunc, batch int) ([]ResealCount, error) {
	if batch <= 0 {
		batch = DefaultResealBatch
	}
	prefix := "v1." + activeID + "."
	var counts []ResealCount
	var failed []error
	for _, sc := range sealedColumns() {
		n, errs, err := s.resealColumn(ctx, sc, prefix, reseal, batch)
		if err != nil {
			return counts, fmt.Errorf("reseal %s.%s: %w", sc.table, sc.column, err)
		}
		failed = append(failed, errs...)
		var left int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+sc.table+` WHERE `+sc.column+` <> ''
			AND substr(`+sc.column+`, 1, $2) <> $1`, prefix, len(prefix)).Scan(&left); err != nil {
			return counts, fmt.Errorf("reseal %s.%s: count what is left: %w", sc.table, sc.column, err)
		}
		counts = append(counts, ResealCount{Column: sc.table + "." + sc.column, Resealed: n, Left: left})
	}
	if len(failed) > 0 {
		if len(failed) > 5 {
			failed = append(failed[:5], fmt.Errorf("and %d more", len(failed)-5))
		}
		return counts, errors.Join(failed...)
	}
	return counts, nil
}

// resealColumn walks one column in primary-key order, batch rows at a
// time, and rewrites the values not under prefix. Each rewrite is a
// compare-and-set on the old value: one changed meanwhile is the writer's.
func (s *Store) resealColumn(ctx context.Context, sc sealedColumn, prefix string, reseal ResealFunc, batch int) (n int, failed []error, err error) {
	keys := strings.Join(sc.key, ", ")
	var after []any
	for {
		q := `SELECT ` + keys + `, ` + sc.column + ` FROM ` + sc.table + ` WHERE ` + sc.column + ` <> ''
			AND substr(` + sc.column + `, 1, $2) <> $1`
		args := []any{prefix, len(prefix)}
		if after != nil {
			// Row values compare in key order on both dialects.
			q += ` AND (` + keys + `) > ` + values(2, 1, len(after))
			args = append(args, after...)
		}
		q += ` ORDER BY ` + keys + fmt.Sprintf(` LIMIT %d`, batch)
		rows, err := s.queryRows(ctx, q, args, len(sc.key)+1)
		if err != nil {
			return n, failed, err
		}
		if len(rows) == 0 {
			return n, failed, nil
		}
		wrote, errs, err := s.resealRows(ctx, sc, rows, reseal)
		n += wrote
		failed = append(failed, errs...)
		if err != nil {
			return n, failed, err
		}
		last := rows[len(rows)-1]
		after = last[:len(sc.key)]
		if len(rows) < batch {
			return n, failed, nil
		}
	}
}

// resealRows rewrites rows (key columns, then the sealed value) in one
// transaction.
func (s *Store) resealRows(ctx context.Context, sc sealedColumn, rows [][]any, reseal ResealFunc) (n int, failed []error, err error) {
	set := sc.column + ` = $1`
	if sc.table == "cases" {
		set += `, version = version + 1`
	}
	where := make([]string, len(sc.key))
	for i, k := range sc.key {
		where[i] = fmt.Sprintf("%s = $%d", k, i+3)
	}
	q := `UPDATE ` + sc.table + ` SET ` + set + ` WHERE ` + sc.column + ` = $2 AND ` + strings.Join(where, " AND ")
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, row := range rows {
			old, _ := row[len(sc.key)].(string)
			key := row[:len(sc.key)]
			fresh, changed, err := reseal(old)
			if err != nil {
				failed = append(failed, fmt.Errorf("%s %v: %w", sc.table, key, err))
				continue
			}
			if !changed {
				continue
			}
			res, err := tx.ExecContext(ctx, q, append([]any{fresh, old}, key...)...)
			if err != nil {
				return err
			}
			if got, err := res.RowsAffected(); err != nil {
				return err
			} else if got == 1 {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, failed, err
	}
	return n, failed, nil
}

// queryRows reads every row of q as cols values each.
func (s *Store) queryRows(ctx context.Context, q string, args []any, cols int) ([][]any, error) {
	rs, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out [][]any
	for rs.Next() {
		row := make([]any, cols)
		ptrs := make([]any, cols)
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range row {
			// SQLite and pgx hand text back as []byte in places; the key and
			// the value are compared as text.
			if b, ok := v.([]byte); ok {
				row[i] = string(b)
			}
		}
		out = append(out, row)
	}
	return out, rs.Err()
}
