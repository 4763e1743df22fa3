package cases

import "slices"

// changeTier sets the case's tier, by the school office: a tier routing
// got wrong either way. Without a tier it undoes what the text did, going
// back to TierRaisedFrom, which is the office's one-tap downgrade of a
// case made urgent by words alone. A case on a unit's clock gets the new
// tier's deadlines: a lower tier's counted from its dispatch, as they would
// have been; a higher tier's from now, since a unit cannot have been late
// for a tier it did not know (an upgrade after two hours is not overdue
// at once). An approved extension later than them still holds.
func (t *transition) changeTier() error {
	if err := t.needOffice(); err != nil {
		return err
	}
	to := t.cmd.Tier
	if to == "" {
		if t.c.TierRaisedFrom == "" {
			return invalid("tier", "is required: the case was not made urgent by its text")
		}
		to = t.c.TierRaisedFrom
	}
	if !to.Valid() {
		return invalid("tier", "must be urgent, essential or general")
	}
	if to == t.c.Tier {
		return illegal(ActionChangeTier, t.c.State, "the case is "+string(to)+" already")
	}
	data := map[string]any{"from_tier": string(t.c.Tier), "to_tier": string(to)}
	if t.c.TierRaisedFrom != "" {
		data["tier_evidence"] = t.c.TierEvidence
	}
	if t.cmd.Reason != "" {
		data["reason"] = t.cmd.Reason
	}
	if t.c.State != StateRegistered {
		from := t.c.DispatchedAt
		if slices.Index(Tiers, to) < slices.Index(Tiers, t.c.Tier) { // Tiers: the most urgent first
			from = t.now
		}
		contactBy, resolveBy, err := t.policy.Deadlines(to, from)
		if err != nil {
			return err
		}
		if e := t.c.Extension; e != nil && e.Status == ExtensionApproved && e.Until.After(resolveBy) {
			resolveBy = e.Until
		}
		t.c.ContactBy, t.c.ResolveBy = contactBy, resolveBy
		t.c.CoUnits = append([]Assignment(nil), t.c.CoUnits...)
		for i := range t.c.CoUnits {
			t.c.CoUnits[i].DueBy = resolveBy
		}
		data["contact_by"], data["resolve_by"] = contactBy, resolveBy
	}
	t.c.Tier = to
	t.c.TierRaisedFrom, t.c.TierEvidence = "", nil
	t.record(ActionChangeTier, data)
	if t.c.State != StateRegistered && t.c.LeadUnit != "" {
		t.send("case_tier_changed", Recipient{Kind: ToUnit, ID: t.c.LeadUnit}, map[string]string{"from_tier": data["from_tier"].(string)})
	}
	return nil
}
