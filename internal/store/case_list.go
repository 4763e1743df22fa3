package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// where collects the conditions of a dynamic query with their arguments.
type where struct {
	conds []string
	args  []any
}

// arg adds v and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(w.conds, " AND ")
}

// ListCases returns the cases f selects, newest first, with their co-units.
// Page on with f.After set to the last id of the previous page.
func (s *Store) ListCases(ctx context.Context, f cases.Filter) ([]cases.Case, error) {
	var w where
	// A unit's cases are those it leads and those it helps with.
	unitCond := func(unit string) string {
		p := w.arg(unit)
		return `(lead_unit = ` + p + ` OR EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = cases.id AND a.unit = ` + p + `))`
	}
	if f.Unit != "" {
		w.add(unitCond(f.Unit))
	}
	if f.ReadableBy != "" {
		w.add(unitCond(f.ReadableBy))
	}
	if len(f.States) > 0 {
		ps := make([]string, len(f.States))
		for i, st := range f.States {
			ps[i] = w.arg(string(st))
		}
		w.add(`state IN (` + strings.Join(ps, ", ") + `)`)
	}
	if f.Tier != "" {
		w.add(`tier = ` + w.arg(string(f.Tier)))
	}
	if f.Channel != "" {
		w.add(`channel = ` + w.arg(string(f.Channel)))
	}
	if f.Identity != "" {
		w.add(`complainant_identity = ` + w.arg(f.Identity))
	}
	if !f.OverdueAt.IsZero() {
		// Late now, or resolved late: as cases.Case.Overdue decides it.
		w.add(`(` + lateOpen(w.arg(s.d.time(f.OverdueAt))) + `
			OR (resolve_by IS NOT NULL AND resolved_at IS NOT NULL AND resolved_at > resolve_by))`)
	}
	if !f.From.IsZero() {
		w.add(`registered_at >= ` + w.arg(s.d.time(f.From)))
	}
	if !f.To.IsZero() {
		w.add(`registered_at < ` + w.arg(s.d.time(f.To)))
	}
	var text []string
	if t := strings.TrimSpace(f.Text); t != "" {
		p := w.arg(likePattern(t))
		like := s.d.ilike()
		text = append(text, `content `+like+` `+p+` ESCAPE '\'`, `number `+like+` `+p+` ESCAPE '\'`, `place `+like+` `+p+` ESCAPE '\'`)
	}
	if len(f.ContactIndexes) > 0 {
		ps := make([]string, len(f.ContactIndexes))
		for i, ix := range f.ContactIndexes {
			ps[i] = w.arg(ix)
		}
		text = append(text, `complainant_contact_index IN (`+strings.Join(ps, ", ")+`)`)
	}
	if len(text) > 0 {
		w.add(`(` + strings.Join(text, " OR ") + `)`)
	}
	if f.Triage {
		w.add(`(state = 'registered' AND lead_unit = '')`)
	}
	if f.After > 0 {
		w.add(`id < ` + w.arg(f.After))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = cases.DefaultListLimit
	}
	limit = min(limit, cases.MaxListLimit)
	q := selectCase + ` ` + w.String() + ` ORDER BY id DESC LIMIT ` + w.arg(limit)

	list, err := s.queryCases(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return list, nil
}

// CountCasesByState returns how many cases are in each state, every state
// present (zero included), for metrics.
func (s *Store) CountCasesByState(ctx context.Context) (map[cases.State]int, error) {
	counts := make(map[cases.State]int, len(cases.States))
	for _, st := range cases.States {
		counts[st] = 0
	}
	rows, err := s.db.QueryContext(ctx, `SELECT state, count(*) FROM cases GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st cases.State
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count cases: %w", err)
		}
		counts[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count cases: %w", err)
	}
	return counts, nil
}

// queryCases runs a SELECT of whole cases (selectCase and its clauses) and
// loads their co-units in the same snapshot, so both agree.
func (s *Store) queryCases(ctx context.Context, q string, args ...any) ([]cases.Case, error) {
	var list []cases.Case
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				return err
			}
			list = append(list, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return s.loadAssignments(ctx, tx, list)
	})
	return list, err
}
