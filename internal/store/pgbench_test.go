package store_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/storetest"
)

// The pgbench scripts of docs/performance.md's registration figures run on the
// current schema: once each, their variable replaced, so that a migration
// that changes what a registration writes breaks them here rather than in
// the next measurement.
func TestPgbenchScripts(t *testing.T) {
	t.Parallel()
	s := storetest.NewPostgres(t)
	db := s.DBForTest()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE bare (id bigserial PRIMARY KEY, body text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	variable := regexp.MustCompile(`:n\b`)
	for i, name := range []string{"registration.sql", "case_row.sql", "bare.sql"} {
		b, err := os.ReadFile(filepath.Join("testdata", "pgbench", name))
		if err != nil {
			t.Fatal(err)
		}
		var stmts int
		for _, line := range strings.Split(string(b), "\n") {
			if line == "" || strings.HasPrefix(line, "--") || strings.HasPrefix(line, `\`) || line == "BEGIN;" || line == "COMMIT;" {
				continue // comments, pgbench's own commands, and the transaction: each statement alone checks the schema
			}
			q := variable.ReplaceAllString(line, strconv.Itoa(4000+i))
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Errorf("%s: %v\n%.120s…", name, err, q)
			}
			stmts++
		}
		if stmts == 0 {
			t.Errorf("%s has no statement", name)
		}
	}
	var cases, events, msgs int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM case_events), (SELECT count(*) FROM outbox)`).Scan(&cases, &events, &msgs); err != nil {
		t.Fatal(err)
	}
	if cases != 2 || events != 2 || msgs != 1 {
		t.Errorf("%d cases, %d events, %d messages; want 2 (a registration, a case row), 2 and 1", cases, events, msgs)
	}
}
