package config

import (
	"errors"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

func TestPolicy(t *testing.T) {
	t.Parallel()
	c, err := Load("", env(map[string]string{"JIESU_TIERS_GENERAL_RESOLVE_WITHIN": "72h"}))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Policy()
	from := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai
	tests := []struct {
		tier             cases.Tier
		contact, resolve time.Duration
	}{
		{cases.TierUrgent, 30 * time.Minute, 2 * time.Hour},
		{cases.TierEssential, 2 * time.Hour, 24 * time.Hour},
		{cases.TierGeneral, 24 * time.Hour, 72 * time.Hour},
	}
	for _, tt := range tests {
		contactBy, resolveBy, err := p.Deadlines(tt.tier, from)
		if err != nil {
			t.Fatal(err)
		}
		if contactBy.Sub(from) != tt.contact || resolveBy.Sub(from) != tt.resolve {
			t.Errorf("%s: contact +%v resolve +%v, want +%v +%v", tt.tier, contactBy.Sub(from), resolveBy.Sub(from), tt.contact, tt.resolve)
		}
		if resolveBy.Location().String() != cases.Shanghai().String() {
			t.Errorf("%s: deadline in %v, want Shanghai", tt.tier, resolveBy.Location())
		}
	}
}

func TestLookups(t *testing.T) {
	t.Parallel()
	c := example(t)

	if u, ok := c.Unit("logistics"); !ok || u.Name != "后勤管理处" || u.Head != "logistics-li" {
		t.Errorf("Unit(logistics) = %+v, %v", u, ok)
	}
	if _, ok := c.Unit("nope"); ok {
		t.Error("Unit(nope) found")
	}
	if m, ok := c.Member("office-wang"); !ok || m.Unit != "school_office" {
		t.Errorf("Member(office-wang) = %+v, %v", m, ok)
	}
	if k, ok := c.Category("safety"); !ok || k.LeadUnit != "security" || k.Tier != "general" {
		t.Errorf("Category(safety) = %+v, %v", k, ok)
	}

	a, err := c.Actor("office-wang")
	if err != nil || !a.Office() || a.Unit != "school_office" || a.System || a.Name == "" {
		t.Errorf("Actor(office-wang) = %+v, %v", a, err)
	}
	if a, err := c.Actor("logistics-ma"); err != nil || !a.Has(cases.RoleHandler) || a.Office() {
		t.Errorf("Actor(logistics-ma) = %+v, %v", a, err)
	}
	if _, err := c.Actor("ghost"); !errors.Is(err, ErrUnknownMember) {
		t.Errorf("Actor(ghost) error = %v, want ErrUnknownMember", err)
	}

	if got := c.MembersWithRole(cases.RoleLeader); len(got) != 4 {
		t.Errorf("%d leaders, want 4", len(got))
	}
	if got := c.MembersWithRole(cases.RoleSupervisor); len(got) == 0 || got[0].Unit != "discipline" {
		t.Errorf("supervisors = %+v", got)
	}
	if got := c.MembersWithRole(cases.RoleOperator); len(got) != 2 {
		t.Errorf("%d operators, want 2", len(got))
	}
	if got := c.UnitMembers("dormitory"); len(got) != 2 {
		t.Errorf("dormitory has %d members, want 2", len(got))
	}

	if got := c.TierLabel(cases.TierUrgent); got != "紧急事项" {
		t.Errorf("TierLabel(urgent) = %q", got)
	}
	if got := c.TierLabel("odd"); got != "odd" {
		t.Errorf("TierLabel(odd) = %q", got)
	}
	if len(c.Steps(cases.TierEssential)) == 0 || c.Steps("odd") != nil {
		t.Error("Steps")
	}

	if !c.AutoDispatch() || !(&Config{}).AutoDispatch() {
		t.Error("AutoDispatch should default to true")
	}
	off := false
	if (&Config{Dispatch: Dispatch{Auto: &off}}).AutoDispatch() {
		t.Error("AutoDispatch ignores false")
	}

	c.Members[1].WeComUser, c.Members[2].DingTalkUser = "WangMin", "dd-42"
	if m, ok := c.MemberByChatUser(PlatformWeCom, "WangMin"); !ok || m.ID != c.Members[1].ID {
		t.Errorf("MemberByChatUser(wecom) = %+v, %v", m, ok)
	}
	if _, ok := c.MemberByChatUser(PlatformWeCom, "dd-42"); ok {
		t.Error("a DingTalk id matched on WeCom")
	}
	if _, ok := c.MemberByChatUser(PlatformDingTalk, ""); ok {
		t.Error("an empty id matched")
	}
}
