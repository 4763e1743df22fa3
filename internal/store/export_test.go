package store

import (
	"context"
	"database/sql"

	"github.com/jiesu/jiesu/internal/cases"
)

// DBForTest exposes the pool to this package's external tests (the bare
// insert benchmark and schema checks).
func (s *Store) DBForTest() *sql.DB { return s.db }

// HoldIncidentOpeningForTest registers outs, grouped, in one transaction,
// as a registration opening their incident does, and holds it, with the
// key's lock, until commit is called. It returns the cases' ids.
func (s *Store) HoldIncidentOpeningForTest(ctx context.Context, outs []cases.Outcome, g Grouping) (ids []int64, commit func() error, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	var regs []*registration
	for _, out := range outs {
		args, err := s.caseArgs(out.Case)
		if err != nil {
			tx.Rollback()
			return nil, nil, err
		}
		regs = append(regs, &registration{out: out, args: append(args, "", ""), o: createOptions{group: &g}})
	}
	dups, err := s.writeCases(ctx, tx, regs)
	if err == nil && len(dups) > 0 {
		err = errDuplicate
	}
	if err != nil {
		tx.Rollback()
		return nil, nil, err
	}
	for _, reg := range regs {
		ids = append(ids, reg.c.ID)
	}
	return ids, tx.Commit, nil
}

// KeyLockWaitersForTest counts the registrations waiting for k's lock.
func (s *Store) KeyLockWaitersForTest(ctx context.Context, k cases.GroupKey) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks, (SELECT `+keyLock("$1")+` AS key) AS l
		WHERE locktype = 'advisory' AND NOT granted
			AND classid::bigint = (l.key >> 32) & 4294967295 AND objid::bigint = l.key & 4294967295`, k.String()).Scan(&n)
	return n, err
}

// MigrateToForTest brings a new schema to version, and no further, as a
// database that an older binary migrated.
func (s *Store) MigrateToForTest(ctx context.Context, version int) error {
	ms, err := s.migrations()
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)`); err != nil {
		return err
	}
	for _, m := range ms[:version] {
		if err := s.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}
