package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TryLease takes the lease of a scheduled job for holder until now+d, or
// renews it if holder has it already. It reports false while another
// holder's lease runs. The lease is a row, not a session lock, so it works
// the same on both dialects and against a fake clock, and it lapses on its
// own when its holder dies mid-run.
func (s *Store) TryLease(ctx context.Context, job, holder string, now time.Time, d time.Duration) (bool, error) {
	var got string
	err := s.db.QueryRowContext(ctx, `INSERT INTO job_leases (job, holder, lease_until) VALUES ($1, $2, $3)
		ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
		WHERE job_leases.lease_until <= $4 OR job_leases.holder = excluded.holder
		RETURNING holder`, job, holder, s.d.time(now.Add(d)), s.d.time(now)).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", job, err)
	}
	return got == holder, nil
}

// ReleaseLease shortens holder's lease of job to end at until, when its
// run is over: the scheduler keeps the job for the rest of its interval,
// so that replicas whose ticks fall in between skip it, and frees it then
// for whichever replica ticks first. A lease another holder took
// meanwhile (ours lapsed) is left alone.
func (s *Store) ReleaseLease(ctx context.Context, job, holder string, until time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE job_leases SET lease_until = $3 WHERE job = $1 AND holder = $2`,
		job, holder, s.d.time(until)); err != nil {
		return fmt.Errorf("release lease %s: %w", job, err)
	}
	return nil
}
