package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// caseColumns are the columns a transition writes, in the order caseArgs
// returns their values. id and number are written once, at creation, and
// so are idempotency_key and created_by.
const caseColumns = `channel, channel_ref,
	complainant_identity, complainant_name_sealed, complainant_contact_sealed, complainant_contact_index,
	complainant_name_masked, complainant_contact_masked, complainant_no_contact,
	content, place, category, tier, state, lead_unit, first_handler, route_reasons,
	registered_at, dispatched_at, accepted_at, contacted_at, resolved_at,
	feedback_at, rated_at, closed_at, updated_at, contact_by, resolve_by,
	ext_status, ext_until, ext_reason, ext_requested_by, ext_requested_at,
	ext_decided_by, ext_decided_at, ext_note,
	result, report, rating, reopens, merged_into, confidential, accuses_official,
	excl_reason, excl_note, excl_approved_by, excl_at, version,
	tier_raised_from, tier_evidence`

// caseColumnCount is how many names caseColumns lists.
func caseColumnCount() int { return strings.Count(caseColumns, ",") + 1 }

// selectCase reads a whole case row (its co-units come separately).
const selectCase = `SELECT id, number, ` + caseColumns + ` FROM cases`

// caseArgs returns c's values for caseColumns.
func (s *Store) caseArgs(c cases.Case) ([]any, error) {
	t := s.d.time
	var reasons any
	if len(c.RouteReasons) > 0 {
		var err error
		if reasons, err = jsonArg(c.RouteReasons); err != nil {
			return nil, fmt.Errorf("route reasons: %w", err)
		}
	}
	var evidence any
	if len(c.TierEvidence) > 0 {
		var err error
		if evidence, err = jsonArg(c.TierEvidence); err != nil {
			return nil, fmt.Errorf("tier evidence: %w", err)
		}
	}
	var ext cases.Extension
	var extStatus any
	if c.Extension != nil {
		ext, extStatus = *c.Extension, string(c.Extension.Status)
	}
	var excl cases.Exclusion
	var exclReason any
	if c.Exclusion != nil {
		excl, exclReason = *c.Exclusion, string(c.Exclusion.Reason)
	}
	p := c.Complainant
	return []any{
		string(c.Channel), c.ChannelRef,
		p.Identity, p.NameSealed, p.ContactSealed, p.ContactIndex,
		p.NameMasked, p.ContactMasked, p.NoContact,
		c.Content, c.Place, c.Category, string(c.Tier), string(c.State), c.LeadUnit, c.FirstHandler, reasons,
		t(c.RegisteredAt), t(c.DispatchedAt), t(c.AcceptedAt), t(c.ContactedAt), t(c.ResolvedAt),
		t(c.FeedbackAt), t(c.RatedAt), t(c.ClosedAt), t(c.UpdatedAt), t(c.ContactBy), t(c.ResolveBy),
		extStatus, t(ext.Until), ext.Reason, ext.RequestedBy, t(ext.RequestedAt),
		ext.DecidedBy, t(ext.DecidedAt), ext.Note,
		c.Result, c.Report, string(c.Rating), c.Reopens, nullInt64(c.MergedInto), c.Confidential, c.AccusesOfficial,
		exclReason, excl.Note, excl.ApprovedBy, t(excl.At), c.Version,
		string(c.TierRaisedFrom), evidence,
	}, nil
}

type scanner interface{ Scan(dest ...any) error }

// scanCase reads a row of selectCase.
func scanCase(row scanner) (cases.Case, error) {
	var (
		c                     cases.Case
		p                     = &c.Complainant
		ext                   cases.Extension
		excl                  cases.Exclusion
		extStatus, exclReason sql.NullString
		mergedInto            sql.NullInt64
	)
	err := row.Scan(&c.ID, &c.Number,
		&c.Channel, &c.ChannelRef,
		&p.Identity, &p.NameSealed, &p.ContactSealed, &p.ContactIndex,
		&p.NameMasked, &p.ContactMasked, &p.NoContact,
		&c.Content, &c.Place, &c.Category, &c.Tier, &c.State, &c.LeadUnit, &c.FirstHandler, jsonCol{&c.RouteReasons},
		timeCol{&c.RegisteredAt}, timeCol{&c.DispatchedAt}, timeCol{&c.AcceptedAt}, timeCol{&c.ContactedAt}, timeCol{&c.ResolvedAt},
		timeCol{&c.FeedbackAt}, timeCol{&c.RatedAt}, timeCol{&c.ClosedAt}, timeCol{&c.UpdatedAt}, timeCol{&c.ContactBy}, timeCol{&c.ResolveBy},
		&extStatus, timeCol{&ext.Until}, &ext.Reason, &ext.RequestedBy, timeCol{&ext.RequestedAt},
		&ext.DecidedBy, timeCol{&ext.DecidedAt}, &ext.Note,
		&c.Result, &c.Report, &c.Rating, &c.Reopens, &mergedInto, &c.Confidential, &c.AccusesOfficial,
		&exclReason, &excl.Note, &excl.ApprovedBy, timeCol{&excl.At}, &c.Version,
		&c.TierRaisedFrom, jsonCol{&c.TierEvidence},
	)
	if err != nil {
		return cases.Case{}, err
	}
	if extStatus.Valid {
		ext.Status = cases.ExtensionStatus(extStatus.String)
		c.Extension = &ext
	}
	if exclReason.Valid {
		excl.Reason = cases.ExclusionReason(exclReason.String)
		c.Exclusion = &excl
	}
	c.MergedInto = mergedInto.Int64
	return c, nil
}

// insertAssignments writes c's co-units, in order.
func (s *Store) insertAssignments(ctx context.Context, tx *sql.Tx, c cases.Case) error {
	return s.rowsStmt(assignmentsShape, s.assignmentArgs(c)).exec(ctx, tx, "insert co-units")
}

// assignmentArgs are c's co-units as rows of assignmentsShape.
func (s *Store) assignmentArgs(c cases.Case) []any {
	args := make([]any, 0, assignmentsShape.cols*len(c.CoUnits))
	for i, a := range c.CoUnits {
		args = append(args, c.ID, a.Unit, i, string(a.State), a.AcceptedBy, s.d.time(a.AcceptedAt),
			a.Report, s.d.time(a.ReportedAt), s.d.time(a.DueBy))
	}
	return args
}

// assignmentsShape inserts co-units.
var assignmentsShape = rowsShape{head: `INSERT INTO case_assignments
	(case_id, unit, pos, state, accepted_by, accepted_at, report, reported_at, due_by)`, cols: 9}

// loadAssignments fills in the co-units of cs with one query.
func (s *Store) loadAssignments(ctx context.Context, q querier, cs []cases.Case) error {
	if len(cs) == 0 {
		return nil
	}
	at := make(map[int64]int, len(cs))
	args := make([]any, len(cs))
	for i, c := range cs {
		at[c.ID] = i
		args[i] = c.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT case_id, unit, state, accepted_by, accepted_at, report, reported_at, due_by
		FROM case_assignments WHERE case_id IN `+values(0, 1, len(cs))+` ORDER BY case_id, pos`, args...)
	if err != nil {
		return fmt.Errorf("load co-units: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a cases.Assignment
		if err := rows.Scan(&id, &a.Unit, &a.State, &a.AcceptedBy, timeCol{&a.AcceptedAt},
			&a.Report, timeCol{&a.ReportedAt}, timeCol{&a.DueBy}); err != nil {
			return fmt.Errorf("load co-units: %w", err)
		}
		i := at[id]
		cs[i].CoUnits = append(cs[i].CoUnits, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load co-units: %w", err)
	}
	return nil
}
