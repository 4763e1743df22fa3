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
	// versioned is the cases table, which gets a new version when a value
	// is rewritten, so that a writer that read the row before cannot put
	// the old value back (ApplyOutcome checks the version); the rewrite
	// goes through updateCase, as every change of a case does.
	versioned bool
	// index, when set, is the blind index of one sealed column's
	// plaintext, derived from the key as well: it moves with the key, and
	// is filled in for rows written before it existed.
	index *blindIndex
}

// blindIndex is a column holding secret.PhoneIndex of sealed column of.
type blindIndex struct {
	of, column string
}

// sealedTables are every column the keyring seals into. A migration that
// adds one adds it here, or a key rotation would leave it behind.
func sealedTables() []sealedTable {
	return []sealedTable{
		{name: "cases", key: []string{"id"}, columns: []string{"complainant_name_sealed", "complainant_contact_sealed"}, versioned: true,
			index: &blindIndex{of: "complainant_contact_sealed", column: "complainant_contact_index"}},
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
	// Open decrypts a sealed value, for its blind index.
	Open(sealed string) (string, error)
	// PhoneIndex is the blind index of a phone under the active key, ""
	// for what is not a phone number; IndexPrefix begins every such index.
	PhoneIndex(phone string) string
	IndexPrefix() string
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
		for i, col := range t.written() {
			// A blind index is left under another key when it is there at
			// all: a contact that is no phone number has none.
			p := prefix
			if t.index != nil && col == t.index.column {
				p = keys.IndexPrefix()
			}
			var left int
			if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name+` WHERE `+stale(col), p, len(p)).Scan(&left); err != nil {
				return rep, fmt.Errorf("reseal %s.%s: count what is left: %w", t.name, col, err)
			}
			rep.Columns = append(rep.Columns, ResealCount{Column: t.name + "." + col, Resealed: n[i], Left: left})
		}
	}
	return rep, nil
}

// written are the columns Reseal rewrites: the sealed ones, then the
// blind index.
func (t sealedTable) written() []string {
	if t.index == nil {
		return t.columns
	}
	return append(append([]string(nil), t.columns...), t.index.column)
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
	args0 := []any{prefix, len(prefix)}
	if t.index != nil {
		// Missing ('' beside a sealed value, as before the index existed)
		// or under another key: a contact that is no phone number is read
		// again on every run, and left without an index.
		anyStale = append(anyStale, `(`+t.index.of+` <> '' AND substr(`+t.index.column+`, 1, $4) <> $3)`)
		args0 = append(args0, keys.IndexPrefix(), len(keys.IndexPrefix()))
	}
	written := t.written()
	n := make([]int, len(written))
	var after []any
	for {
		q := `SELECT ` + keyCols + `, ` + strings.Join(written, ", ") + ` FROM ` + t.name +
			` WHERE (` + strings.Join(anyStale, " OR ") + `)`
		args := append([]any(nil), args0...)
		if after != nil {
			// Row values compare in key order on both dialects.
			q += ` AND (` + keyCols + `) > ` + values(len(args), 1, len(after))
			args = append(args, after...)
		}
		q += ` ORDER BY ` + keyCols + fmt.Sprintf(` LIMIT %d`, batch)
		rows, err := s.queryRows(ctx, q, args, len(t.key)+len(written))
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

// resealRows rewrites rows (key columns, then the written columns) in one
// transaction. Each row's update is a compare-and-set on its old values: a
// row changed meanwhile belongs to its writer, and the count of what is
// left shows it.
func (s *Store) resealRows(ctx context.Context, t sealedTable, rows [][]any, keys Resealer, failed *[]ResealFailure) ([]int, error) {
	written := t.written()
	var set, where []string
	for i, c := range written {
		set = append(set, fmt.Sprintf("%s = $%d", c, i+1))
		where = append(where, fmt.Sprintf("%s = $%d", c, len(written)+i+1))
	}
	for i, k := range t.key {
		where = append(where, fmt.Sprintf("%s = $%d", k, 2*len(written)+i+1))
	}
	q := `UPDATE ` + t.name + ` SET ` + strings.Join(set, ", ") + ` WHERE ` + strings.Join(where, " AND ")
	if t.versioned {
		q = s.d.updateCase(strings.Join(append(set, `version = version + 1`), ", "), strings.Join(where, " AND "))
	}
	n := make([]int, len(written))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, row := range rows {
			key := row[:len(t.key)]
			olds, fresh := make([]any, len(written)), make([]any, len(written))
			changed := make([]bool, len(written))
			moved := false
			for i := range written {
				old, _ := row[len(t.key)+i].(string)
				olds[i], fresh[i] = old, old
				if i >= len(t.columns) {
					continue // the index, below
				}
				v, ch, err := keys.Reseal(old)
				if err != nil {
					*failed = append(*failed, ResealFailure{Column: t.name + "." + t.columns[i], Row: fmt.Sprintf("%v", key), KeyID: keys.KeyID(old), Err: err})
					v, ch = old, false
				}
				fresh[i], changed[i] = v, ch
				moved = moved || ch
			}
			if t.index != nil {
				i := len(t.columns)
				if ix, ok := reindex(t, row[len(t.key):], keys); ok && ix != olds[i] {
					fresh[i], changed[i], moved = ix, true, true
				}
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

// reindex is the blind index of a row's indexed column under the active
// key, from the values of t.written(); ok is false when the value does not
// open (Reseal reports it) and the index stays as it is.
func reindex(t sealedTable, vals []any, keys Resealer) (string, bool) {
	for i, c := range t.columns {
		if c != t.index.of {
			continue
		}
		sealed, _ := vals[i].(string)
		plain, err := keys.Open(sealed)
		if err != nil {
			return "", false
		}
		return keys.PhoneIndex(plain), true
	}
	return "", false
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
