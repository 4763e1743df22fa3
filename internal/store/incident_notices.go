package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// DueIncidentNotices returns up to limit incidents whose notice is due at
// now, with their counts.
func (t *SweepTx) DueIncidentNotices(ctx context.Context, now time.Time, limit int) ([]cases.IncidentNotice, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+incidentColumns+` FROM incidents
		WHERE next_notice_at IS NOT NULL AND next_notice_at <= $1 ORDER BY next_notice_at, id LIMIT $2`,
		t.s.d.time(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due incident notices: %w", err)
	}
	var out []cases.IncidentNotice
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("due incident notices: %w", err)
		}
		out = append(out, cases.IncidentNotice{Incident: inc})
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("due incident notices: %w", err)
	}
	for i := range out {
		n := &out[i]
		var first *int64
		err := t.tx.QueryRowContext(ctx, `SELECT count(*),
				COALESCE(SUM(CASE WHEN c.state IN `+awaitingStatesSQL()+` THEN 1 ELSE 0 END), 0),
				MIN(CASE WHEN c.lead_unit = $2 AND c.state IN `+clockStatesSQL()+` THEN c.id END)
			FROM incident_cases ic JOIN cases c ON c.id = ic.case_id WHERE ic.incident_id = $1`,
			n.Incident.ID, n.Incident.LeadUnit).Scan(&n.Count, &n.Pending, &first)
		if err != nil {
			return nil, fmt.Errorf("count incident %d: %w", n.Incident.ID, err)
		}
		if first != nil {
			n.First = *first
		}
		if n.CoUnits, err = t.incidentCoUnits(ctx, n.Incident); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// incidentCoUnits returns the co-units of inc's cases, each once.
func (t *SweepTx) incidentCoUnits(ctx context.Context, inc cases.Incident) ([]string, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT a.unit FROM incident_cases ic
		JOIN case_assignments a ON a.case_id = ic.case_id
		WHERE ic.incident_id = $1 AND a.unit <> $2
		GROUP BY a.unit ORDER BY MIN(ic.case_id), MIN(a.pos), a.unit`, inc.ID, inc.LeadUnit)
	if err != nil {
		return nil, fmt.Errorf("co-units of incident %d: %w", inc.ID, err)
	}
	defer rows.Close()
	var units []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("co-units of incident %d: %w", inc.ID, err)
		}
		units = append(units, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("co-units of incident %d: %w", inc.ID, err)
	}
	return units, nil
}

// IncidentNotified claims incident id's due notice for this run, recording
// the count it gives; false if another run claimed it first.
func (t *SweepTx) IncidentNotified(ctx context.Context, id int64, count int, now time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE incidents SET notified_count = $2, notified_at = $3, next_notice_at = NULL
		WHERE id = $1 AND next_notice_at IS NOT NULL AND next_notice_at <= $3`, id, count, t.s.d.time(now))
	if err != nil {
		return false, fmt.Errorf("incident %d notified: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("incident %d notified: %w", id, err)
	}
	return n == 1, nil
}

// IncidentSizes returns how many cases each of the incidents ids holds.
func (t *SweepTx) IncidentSizes(ctx context.Context, ids []int64) (map[int64]int, error) {
	sizes := make(map[int64]int, len(ids))
	if len(ids) == 0 {
		return sizes, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT incident_id, count(*) FROM incident_cases
		WHERE incident_id IN `+values(0, 1, len(ids))+` GROUP BY incident_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("incident sizes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("incident sizes: %w", err)
		}
		sizes[id] = n
	}
	return sizes, rows.Err()
}
