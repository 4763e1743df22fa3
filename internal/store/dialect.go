package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialect names, as Dialect returns them.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// sqliteTime is how SQLite keeps instants: fixed width and always UTC, so
// that comparing the strings orders the instants. PostgreSQL's timestamptz
// holds microseconds, so both dialects keep exactly that much.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// dialect holds the few things that differ between PostgreSQL and SQLite.
// Everything else is one SQL string for both: modernc's SQLite binds $1, $2…
// by position just as PostgreSQL does.
type dialect struct {
	name string
}

func (d dialect) postgres() bool { return d.name == DialectPostgres }

// time turns an instant into the driver argument of this dialect; the zero
// time is NULL ("not yet").
func (d dialect) time(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	if d.postgres() {
		return t
	}
	return t.Format(sqliteTime)
}

// ilike is the case-insensitive LIKE. SQLite's LIKE already ignores ASCII
// case (and Chinese has none).
func (d dialect) ilike() string {
	if d.postgres() {
		return "ILIKE"
	}
	return "LIKE"
}

// skipLocked keeps concurrent claimers off each other's rows on PostgreSQL;
// SQLite's single connection serialises claimers anyway.
func (d dialect) skipLocked() string {
	if d.postgres() {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// timeCol scans a nullable instant from either dialect: time.Time from pgx,
// TEXT in sqliteTime from SQLite, NULL as the zero time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
		return nil
	case time.Time:
		*c.t = v.UTC()
		return nil
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	}
	return fmt.Errorf("scan time: unsupported %T", src)
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(sqliteTime, s)
	if err != nil {
		// Anything written by hand or by another tool in RFC 3339 still reads.
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return fmt.Errorf("scan time %q: %w", s, err)
		}
	}
	*c.t = t.UTC()
	return nil
}

// jsonArg encodes v as JSON text for a jsonb (PostgreSQL) or TEXT (SQLite)
// column. Callers pass nil instead for an empty map or slice, so that absent
// and empty read back alike.
func jsonArg(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return string(b), nil
}

// jsonCol scans nullable JSON text into dst.
type jsonCol struct{ dst any }

func (c jsonCol) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("scan json: unsupported %T", src)
	}
	if err := json.Unmarshal(b, c.dst); err != nil {
		return fmt.Errorf("scan json: %w", err)
	}
	return nil
}

// nullInt64 is 0 ↔ NULL, for optional references such as merged_into.
func nullInt64(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// values writes rows×cols positional placeholders, "($1, $2), ($3, $4)",
// starting after the first `from` arguments.
func values(from, rows, cols int) string {
	var b strings.Builder
	n := from
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				b.WriteString(", ")
			}
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// likePattern makes a substring pattern that matches s literally; the
// queries say ESCAPE '\'.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// keyIDOf is the key id of the sealed value in col ("v1.<id>.<payload>").
func (d dialect) keyIDOf(col string) string {
	if d.postgres() {
		return `split_part(` + col + `, '.', 2)`
	}
	return `substr(` + col + `, 4, instr(substr(` + col + `, 4), '.') - 1)`
}
