package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/store"
)

// Replaying every migration takes PostgreSQL about a second, which most
// store tests would spend before their first statement. So migrated
// schemas are kept between tests and between runs, named jt_<digest>_<n>
// after the migrations they were made by, and lent to one test at a time:
// a session advisory lock on the name, held by a connection of the test's
// own, marks a schema lent, across test binaries running at once. The
// borrower empties the schema before it uses it, so what a failed or
// killed test left behind is gone for the next one; and a schema whose
// shape a test changed (a table of its own, a version row of a newer
// binary) no longer matches the shape recorded in its comment when it was
// migrated, and is made again.

// schemaPrefix starts the names of kept schemas.
const schemaPrefix = "jt_"

// MigratedPostgresURL lends the test a migrated, empty schema and returns a
// URL whose connections use it. The schema goes back to the pool when the
// test ends, after the stores opened on it are closed.
func MigratedPostgresURL(t testing.TB) string {
	t.Helper()
	admin, u := adminDB(t)
	digest, err := store.MigrationsDigest(store.DialectPostgres)
	if err != nil {
		t.Fatalf("migrations: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := admin.Conn(ctx)
	if err != nil {
		t.Fatalf("admin connection: %v", err)
	}
	// Registered before any store is opened on the schema, so it runs
	// after they are closed: the unlock ends the loan.
	t.Cleanup(func() {
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock_all()`)
		conn.Close()
	})
	prefix := schemaPrefix + digest[:12] + "_"
	schema, err := borrowSchema(ctx, conn, prefix)
	if err != nil {
		t.Fatalf("borrow a schema: %v", err)
	}
	url := withSearchPath(u, schema)
	reused, err := emptySchema(ctx, conn, schema)
	if err != nil {
		t.Fatalf("empty schema %s: %v", schema, err)
	}
	if !reused {
		if err := makeSchema(ctx, conn, schema, url); err != nil {
			t.Fatalf("make schema %s: %v", schema, err)
		}
		// The schemas of other migrations are of no more use.
		if err := dropOtherSchemas(ctx, conn, prefix); err != nil {
			t.Logf("drop schemas of other migrations: %v", err)
		}
	}
	return url
}

// borrowSchema takes the first schema name with prefix that no other
// connection holds, and holds it on conn until conn is closed.
func borrowSchema(ctx context.Context, conn *sql.Conn, prefix string) (string, error) {
	for n := 0; n < 1000; n++ {
		name := fmt.Sprintf("%s%d", prefix, n)
		var got bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, name).Scan(&got); err != nil {
			return "", err
		}
		if got {
			return name, nil
		}
	}
	return "", fmt.Errorf("all 1000 schemas %s… are lent", prefix)
}

// shapeQuery sums up what the migrations make in schema $1: relations,
// columns, constraints, functions, triggers and the version rows. The
// sequences that are no column's (a day's case numbers) are left out: they
// come and go with the data.
const shapeQuery = `SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
	SELECT 'r:' || c.relname || ':' || c.relkind::text AS x FROM pg_class c
		WHERE c.relnamespace = $1::regnamespace AND c.relkind <> 'S'
	UNION ALL SELECT 'a:' || c.relname || '.' || a.attname || ':' || a.atttypid::regtype::text || ':' || a.attnotnull::text
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE c.relnamespace = $1::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
	UNION ALL SELECT 'c:' || conname || ':' || contype::text FROM pg_constraint WHERE connamespace = $1::regnamespace
	UNION ALL SELECT 'f:' || proname || ':' || md5(prosrc) FROM pg_proc WHERE pronamespace = $1::regnamespace
	UNION ALL SELECT 't:' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		WHERE c.relnamespace = $1::regnamespace AND NOT t.tgisinternal
) parts`

// emptySchema readies a kept schema for its next test: it drops the
// sequences that are no column's, and, when the schema's shape is still the
// one recorded after its migration, empties its tables (all but the
// migrations' record) and restarts their sequences. It reports whether the
// schema can be used so; if not, the caller makes it again.
func emptySchema(ctx context.Context, conn *sql.Conn, schema string) (bool, error) {
	var recorded sql.NullString
	err := conn.QueryRowContext(ctx, `SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = $1`, schema).Scan(&recorded)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !recorded.Valid) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	seqs, err := queryStrings(ctx, conn, `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'S' AND n.nspname = $1
		  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))`, schema)
	if err != nil {
		return false, err
	}
	if len(seqs) > 0 {
		if _, err := conn.ExecContext(ctx, `DROP SEQUENCE `+strings.Join(seqs, ", ")); err != nil {
			return false, err
		}
	}
	shape, err := schemaShape(ctx, conn, schema)
	if err != nil || shape != recorded.String {
		return false, err
	}
	tables, err := queryStrings(ctx, conn, `SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
		WHERE schemaname = $1 AND tablename <> 'schema_migrations'`, schema)
	if err != nil {
		return false, err
	}
	owned, err := queryStrings(ctx, conn, `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'S' AND n.nspname = $1`, schema)
	if err != nil {
		return false, err
	}
	return true, emptyTables(ctx, conn, tables, owned)
}

// emptyTables deletes every row of tables and restarts the sequences. A
// DELETE of a few rows takes PostgreSQL milliseconds where a TRUNCATE,
// which makes every table's and index's files anew, takes about half a
// second; with triggers off (replication role), the events' append-only
// guard and the foreign keys let the rows go in any order. Only a
// superuser may turn them off: any other role truncates.
func emptyTables(ctx context.Context, conn *sql.Conn, tables, sequences []string) error {
	var b strings.Builder
	b.WriteString("BEGIN; SET LOCAL session_replication_role = replica;")
	for _, t := range tables {
		b.WriteString(" DELETE FROM " + t + ";")
	}
	for _, s := range sequences {
		b.WriteString(" SELECT setval('" + s + "', 1, false);")
	}
	b.WriteString(" COMMIT;")
	if _, err := conn.ExecContext(ctx, b.String()); err == nil {
		return nil
	}
	_, _ = conn.ExecContext(ctx, "ROLLBACK")
	_, err := conn.ExecContext(ctx, `TRUNCATE `+strings.Join(tables, ", ")+` RESTART IDENTITY CASCADE`)
	return err
}

// makeSchema makes schema anew, migrates it through url with the store's
// own Migrate, and records its shape in its comment.
func makeSchema(ctx context.Context, conn *sql.Conn, schema, url string) error {
	if _, err := conn.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return err
	}
	s, err := store.Open(ctx, store.Options{URL: url})
	if err != nil {
		return err
	}
	err = s.Migrate(ctx)
	s.Close()
	if err != nil {
		return err
	}
	shape, err := schemaShape(ctx, conn, schema)
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `COMMENT ON SCHEMA `+schema+` IS '`+shape+`'`)
	return err
}

// schemaShape is shapeQuery's answer with the version rows added.
func schemaShape(ctx context.Context, conn *sql.Conn, schema string) (string, error) {
	var shape, versions string
	if err := conn.QueryRowContext(ctx, shapeQuery, schema).Scan(&shape); err != nil {
		return "", err
	}
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(string_agg(version::text, ',' ORDER BY version), '') FROM `+schema+`.schema_migrations`).Scan(&versions); err != nil {
		return "", err
	}
	return shape + "/" + versions, nil
}

// dropOtherSchemas drops the kept schemas of other migrations that no test
// is using.
func dropOtherSchemas(ctx context.Context, conn *sql.Conn, keep string) error {
	others, err := queryStrings(ctx, conn, `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 AND nspname NOT LIKE $2`,
		schemaPrefix+"%", keep+"%")
	if err != nil {
		return err
	}
	for _, name := range others {
		var got bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, name).Scan(&got); err != nil || !got {
			continue
		}
		_, err := conn.ExecContext(ctx, `DROP SCHEMA `+name+` CASCADE`)
		if _, uerr := conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext($1))`, name); err == nil {
			err = uerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func queryStrings(ctx context.Context, conn *sql.Conn, query string, args ...any) ([]string, error) {
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
