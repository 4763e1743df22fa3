package cases

// changeTier sets the case's tier, by the school office: a tier routing
// got wrong either way. Without a tier it undoes what the text did, going
// back to TierRaisedFrom, which is the office's one-tap downgrade of a
// case made urgent by words alone. A case on a unit's clock gets the new
// tier's deadlines (Policy.Retiered).
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
	data := ChangeTierPayload{FromTier: string(t.c.Tier), ToTier: string(to), Reason: t.cmd.Reason}
	if t.c.TierRaisedFrom != "" {
		data.TierEvidence = t.c.TierEvidence
	}
	if t.c.State != StateRegistered {
		contactBy, resolveBy, err := t.policy.Retiered(t.c, to, t.now)
		if err != nil {
			return err
		}
		t.c.ContactBy, t.c.ResolveBy = contactBy, resolveBy
		t.c.CoUnits = append([]Assignment(nil), t.c.CoUnits...)
		for i := range t.c.CoUnits {
			t.c.CoUnits[i].DueBy = resolveBy
		}
		data.ContactBy, data.ResolveBy = contactBy, resolveBy
	}
	t.c.Tier = to
	t.c.TierRaisedFrom, t.c.TierEvidence = "", nil
	t.record(ActionChangeTier, data)
	if t.c.State != StateRegistered && t.c.LeadUnit != "" {
		t.send(TemplateCaseTierChanged, Recipient{Kind: ToUnit, ID: t.c.LeadUnit}, map[string]string{"from_tier": data.FromTier})
	}
	return nil
}
