package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/jiesu/jiesu/internal/store"
)

// A kept schema comes back empty, with its day sequences gone and its
// identities restarted; one whose shape a test changed is made again.
func TestKeptSchemaIsEmptiedOrMadeAgain(t *testing.T) {
	t.Parallel()
	admin, u := adminDB(t)
	ctx := context.Background()
	conn, err := admin.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var b [6]byte
	rand.Read(b[:])
	// A prefix of its own, so that no other test borrows these schemas.
	schema, err := borrowSchema(ctx, conn, "jt_selftest"+hex.EncodeToString(b[:])+"_")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), `DROP SCHEMA IF EXISTS `+schema+` CASCADE`) })
	url := withSearchPath(u, schema)
	if reused, err := emptySchema(ctx, conn, schema); err != nil || reused {
		t.Fatalf("a missing schema: reused=%v, %v; want it made", reused, err)
	}
	if err := makeSchema(ctx, conn, schema, url); err != nil {
		t.Fatal(err)
	}
	use := func() (caseID int64) {
		t.Helper()
		s := Open(t, store.Options{URL: url})
		c := Create(t, s, NewCase(t, Epoch(), "logistics"))
		return c.ID
	}
	first := use()
	var seqs int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relnamespace = $1::regnamespace AND relname LIKE 'jiesu_case_number_%'`, schema).Scan(&seqs); err != nil || seqs != 1 {
		t.Fatalf("day sequences after a registration: %d (%v); the test needs one", seqs, err)
	}
	if reused, err := emptySchema(ctx, conn, schema); err != nil || !reused {
		t.Fatalf("an unchanged schema: reused=%v, %v; want it emptied", reused, err)
	}
	var rows, seqsAfter int
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM `+schema+`.cases) + (SELECT count(*) FROM `+schema+`.case_events) + (SELECT count(*) FROM `+schema+`.outbox)`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("rows left: %d (%v)", rows, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relnamespace = $1::regnamespace AND relname LIKE 'jiesu_case_number_%'`, schema).Scan(&seqsAfter); err != nil || seqsAfter != 0 {
		t.Errorf("day sequences left: %d (%v)", seqsAfter, err)
	}
	if again := use(); again != first {
		t.Errorf("case id %d after emptying, want %d again (identities restarted)", again, first)
	}

	for _, change := range []string{
		`CREATE TABLE ` + schema + `.scratch (id int)`,
		`INSERT INTO ` + schema + `.schema_migrations (version, applied_at) VALUES (9999, now())`,
		`ALTER TABLE ` + schema + `.cases ADD COLUMN extra text`,
	} {
		if _, err := conn.ExecContext(ctx, change); err != nil {
			t.Fatal(err)
		}
		if reused, err := emptySchema(ctx, conn, schema); err != nil || reused {
			t.Errorf("after %q: reused=%v, %v; want it made again", change, reused, err)
		}
		if err := makeSchema(ctx, conn, schema, url); err != nil {
			t.Fatal(err)
		}
		if reused, err := emptySchema(ctx, conn, schema); err != nil || !reused {
			t.Errorf("made again after %q: reused=%v, %v", change, reused, err)
		}
	}
}
