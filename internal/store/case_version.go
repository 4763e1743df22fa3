package store

// updateCase is the one way to write an UPDATE of cases: set must move
// the case's version (every change of a case does), and the statement
// also makes the case due for the escalation sweep's next look
// (sla_next_at in the distant past). Whatever moved the version may have
// moved a deadline, stopped the unit's clock or started a new one, and
// the sweep learns of it only this way; the transitions need know nothing
// of the sweep. A database trigger did this until PostgreSQL migration
// 0017 and SQLite migration 0012; TestVersionBumpsMakeTheCaseDue and
// TestOnlyUpdateCaseUpdatesCases hold every writer to it. The one other
// UPDATE of cases is the sweep's own, which sets sla_next_at alone.
func (d dialect) updateCase(set, where string) string {
	return `UPDATE cases SET ` + set + `, sla_next_at = ` + d.slaStale() + ` WHERE ` + where
}
