package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// sealedTable is a table with columns holding values sealed with the
// keyring, and its primary key.
type sealedTable struct {
	name    string
	key     []string
	columns []string
	// versioned tables get a new version when a value is rewritten, so
	// that a writer that read the row before cannot put the old value
	// back (cases: ApplyOutcome checks the version).
	versioned bool
}

// sealedTables are every column the keyring seals into. A migration that
// adds one adds it here, or a key rotation would leave it behind.
func sealedTables() []sealedTable {
	return []sealedTable{
		{name: "cases", key: []string{"id"}, columns: []string{"complainant_name_sealed", "complainant_contact_sealed"}, versioned: true},
		{name: "complainants", key: []string{"channel", "identity"}, columns: []string{"contact_sealed"}},
		{name: "inbound_messages", key: []string{"channel", "msg_key"}, columns: []string{"reply_sealed"}},
	}
}

// Resealer is what Reseal needs of the keyring (secret.Keyring).
type Resealer interface {
	// ActivePrefix begins every value sealed under the active key.
	ActivePrefix() string
	// Reseal re-encrypts a value under the active key, reporting whether it
	// changed.
	Reseal(sealed string) (string, bool, error)
	// KeyID names the key a value was sealed with, without opening it.
	KeyID(sealed string) string
}

// ResealReport is what Reseal did.
type ResealReport struct {
	Columns []ResealCount
	// Failed are the values that could not be opened, left as they were.
	Failed []ResealFailure
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

// ResealFailure is a value that could not be opened: named by its row and
// key id, never by its content.
type ResealFailure struct {
	Column string // table.column
	Row    string // the primary key's values
	KeyID  string
	Err    error
}

// DefaultResealBatch is how many rows Reseal reads and rewrites per
// transaction: short ones, so that a running server's writes wait little.
const DefaultResealBatch = 200

// resealTries is how often a batch is tried when PostgreSQL breaks a
// deadlock with it (the SLA sweep updates many cases in its own order).
const resealTries = 3

// Reseal rewrites every sealed value not under the active key, batch rows
// per transaction, then counts per column what is left under other keys.
// A value that cannot be opened stays as it is and is reported in Failed;
// the rest are still resealed. The error is the database's alone: Reseal
// may simply run again.
func (s *Store) Reseal(ctx context.Context, keys Resealer, batch int) (ResealReport, error) {
	if batch <= 0 {
		batch = DefaultResealBatch
	}
	prefix := keys.ActivePrefix()
	var rep ResealReport
	for _, t := range sealedTables() {
		n, err := s.resealTable(ctx, t, prefix, keys, batch, &rep.Failed)
		if err != nil {
			return rep, fmt.Errorf("reseal %s: %w", t.name, err)
		}
		for i, col := range t.columns {
			var left int
			if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name+` WHERE `+stale(col),
				prefix, len(prefix)).Scan(&left); err != nil {
				return rep, fmt.Errorf("reseal %s.%s: count what is left: %w", t.name, col, err)
			}
			rep.Columns = append(rep.Columns, ResealCount{Column: t.name + "." + col, Resealed: n[i], Left: left})
		}
	}
	return rep, nil
}

// resealTable walks one table in primary-key order, batch rows at a time,
// and rewrites the values not under prefix. It returns how many values it
// rewrote per column.
func (s *Store) resealTable(ctx context.Context, t sealedTable, prefix string, keys Resealer, batch int, failed *[]ResealFailure) ([]int, error) {
	keyCols := strings.Join(t.key, ", ")
	var anyStale []string
	for _, c := range t.columns {
		anyStale = append(anyStale, stale(c))
	}
	n := make([]int, len(t.columns))
	var after []any
	for {
		q := `SELECT ` + keyCols + `, ` + strings.Join(t.columns, ", ") + ` FROM ` + t.name +
			` WHERE (` + strings.Join(anyStale, " OR ") + `)`
		args := []any{prefix, len(prefix)}
		if after != nil {
			// Row values compare in key order on both dialects.
			q += ` AND (` + keyCols + `) > ` + values(2, 1, len(after))
			args = append(args, after...)
		}
		q += ` ORDER BY ` + keyCols + fmt.Sprintf(` LIMIT %d`, batch)
		rows, err := s.queryRows(ctx, q, args, len(t.key)+len(t.columns))
		if err != nil {
			return n, err
		}
		if len(rows) == 0 {
			return n, nil
		}
		for try := 1; ; try++ {
			var fails []ResealFailure
			wrote, err := s.resealRows(ctx, t, rows, keys, &fails)
			if err == nil {
				for i := range n {
					n[i] += wrote[i]
				}
				*failed = append(*failed, fails...)
				break
			}
			if try == resealTries || !retryableTx(err) {
				return n, err
			}
		}
		after = rows[len(rows)-1][:len(t.key)]
		if len(rows) < batch {
			return n, nil
		}
	}
}

// stale is the condition that column col holds a value not under the
// active key: $1 is the key's prefix, $2 its length.
func stale(col string) string {
	return `(` + col + ` <> '' AND substr(` + col + `, 1, $2) <> $1)`
}

// resealRows rewrites rows (key columns, then the sealed columns) in one
// transaction. Each row's update is a compare-and-set on its old values: a
// row changed meanwhile belongs to its writer, and the count of what is
// left shows it.
func (s *Store) resealRows(ctx context.Context, t sealedTable, rows [][]any, keys Resealer, failed *[]ResealFailure) ([]int, error) {
	var set, where []string
	for i, c := range t.columns {
		set = append(set, fmt.Sprintf("%s = $%d", c, i+1))
		where = append(where, fmt.Sprintf("%s = $%d", c, len(t.columns)+i+1))
	}
	if t.versioned {
		set = append(set, `version = version + 1`)
	}
	for i, k := range t.key {
		where = append(where, fmt.Sprintf("%s = $%d", k, 2*len(t.columns)+i+1))
	}
	q := `UPDATE ` + t.name + ` SET ` + strings.Join(set, ", ") + ` WHERE ` + strings.Join(where, " AND ")
	n := make([]int, len(t.columns))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, row := range rows {
			key := row[:len(t.key)]
			olds, fresh := make([]any, len(t.columns)), make([]any, len(t.columns))
			changed := make([]bool, len(t.columns))
			moved := false
			for i := range t.columns {
				old, _ := row[len(t.key)+i].(string)
				v, ch, err := keys.Reseal(old)
				if err != nil {
					*failed = append(*failed, ResealFailure{Column: t.name + "." + t.columns[i], Row: fmt.Sprintf("%v", key), KeyID: keys.KeyID(old), Err: err})
					v, ch = old, false
				}
				olds[i], fresh[i], changed[i] = old, v, ch
				moved = moved || ch
			}
			if !moved {
				continue
			}
			res, err := tx.ExecContext(ctx, q, append(append(fresh, olds...), key...)...)
			if err != nil {
				return err
			}
			if got, err := res.RowsAffected(); err != nil {
				return err
			} else if got == 1 {
				for i, ch := range changed {
					if ch {
						n[i]++
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return n, nil
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
