package config

import (
	"errors"
	"fmt"
	"slices"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/secret"
)

// ErrUnknownMember is returned for a member id the configuration does not
// have; callers map it to 403 or 404.
var ErrUnknownMember = errors.New("unknown member")

// The lookups scan the lists: a university has tens of units and hundreds
// of members, and a Config stays a plain value that can be copied.

// Unit returns the unit with id.
func (c *Config) Unit(id string) (Unit, bool) {
	i := slices.IndexFunc(c.Units, func(u Unit) bool { return u.ID == id })
	if i < 0 {
		return Unit{}, false
	}
	return c.Units[i], true
}

// Member returns the member with id.
func (c *Config) Member(id string) (Member, bool) {
	i := slices.IndexFunc(c.Members, func(m Member) bool { return m.ID == id })
	if i < 0 {
		return Member{}, false
	}
	return c.Members[i], true
}

// MemberByChatUser returns the member whose wecom_user or dingtalk_user
// (by platform: "wecom" or "dingtalk") is user.
func (c *Config) MemberByChatUser(platform, user string) (Member, bool) {
	if user == "" {
		return Member{}, false
	}
	i := slices.IndexFunc(c.Members, func(m Member) bool {
		return (platform == PlatformWeCom && m.WeComUser == user) ||
			(platform == PlatformDingTalk && m.DingTalkUser == user)
	})
	if i < 0 {
		return Member{}, false
	}
	return c.Members[i], true
}

// Category returns the category with id.
func (c *Config) Category(id string) (Category, bool) {
	i := slices.IndexFunc(c.Categories, func(k Category) bool { return k.ID == id })
	if i < 0 {
		return Category{}, false
	}
	return c.Categories[i], true
}

// Actor returns the member as the domain's actor.
func (c *Config) Actor(memberID string) (cases.Actor, error) {
	m, ok := c.Member(memberID)
	if !ok {
		return cases.Actor{}, fmt.Errorf("member %q: %w", memberID, ErrUnknownMember)
	}
	roles := make([]cases.Role, len(m.Roles))
	for i, r := range m.Roles {
		roles[i] = cases.Role(r)
	}
	return cases.Actor{MemberID: m.ID, Name: m.Name, Unit: m.Unit, Roles: roles}, nil
}

// MembersWithRole returns the members holding role, in file order.
func (c *Config) MembersWithRole(role cases.Role) []Member {
	var out []Member
	for _, m := range c.Members {
		if slices.Contains(m.Roles, string(role)) {
			out = append(out, m)
		}
	}
	return out
}

// UnitMembers returns the members of unit, in file order.
func (c *Config) UnitMembers(unit string) []Member {
	var out []Member
	for _, m := range c.Members {
		if m.Unit == unit {
			out = append(out, m)
		}
	}
	return out
}

// AutoDispatch reports whether routed cases go to their unit without the
// office (dispatch.auto, default true).
func (c *Config) AutoDispatch() bool { return c.Dispatch.Auto == nil || *c.Dispatch.Auto }

// Tier returns the configuration of tier t.
func (c *Config) Tier(t cases.Tier) (Tier, bool) {
	switch t {
	case cases.TierUrgent:
		return c.Tiers.Urgent, true
	case cases.TierEssential:
		return c.Tiers.Essential, true
	case cases.TierGeneral:
		return c.Tiers.General, true
	}
	return Tier{}, false
}

// TierLabel is the tier's name for people; an unknown tier shows as is.
func (c *Config) TierLabel(t cases.Tier) string {
	if tier, ok := c.Tier(t); ok && tier.Label != "" {
		return tier.Label
	}
	return string(t)
}

// Steps returns the escalation chain of tier t.
func (c *Config) Steps(t cases.Tier) []EscalationStep {
	switch t {
	case cases.TierUrgent:
		return c.Escalation.Urgent
	case cases.TierEssential:
		return c.Escalation.Essential
	case cases.TierGeneral:
		return c.Escalation.General
	}
	return nil
}

// Policy is the time policy the case machine applies: the configured
// windows on a natural calendar in Asia/Shanghai.
func (c *Config) Policy() cases.Policy {
	tiers := make(map[cases.Tier]cases.TierPolicy, len(cases.Tiers))
	for _, t := range cases.Tiers {
		tier, _ := c.Tier(t)
		tiers[t] = cases.TierPolicy{ContactWithin: tier.ContactWithin, ResolveWithin: tier.ResolveWithin}
	}
	return cases.Policy{Tiers: tiers, Calendar: cases.DefaultCalendar(), SurveyDelay: c.Survey.Delay}
}

// TextMask is the masking rule for complaint text with the school's
// student-number format. Validate has compiled the pattern already; a
// configuration that skipped it and carries a broken one is a bug.
func (c *Config) TextMask() secret.TextMask {
	m, err := secret.NewTextMask(c.Security.StudentNumber)
	if err != nil {
		panic("config: TextMask on an unvalidated configuration: " + err.Error())
	}
	return m
}
