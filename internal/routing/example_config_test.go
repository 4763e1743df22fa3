package routing

import (
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
)

// The configuration a fresh install serves with routes what students
// write as the policy wants: danger to life urgent, broken essentials
// essential, and everyday words that merely contain a danger word not
// raised at all. testConfig covers the router; this covers the shipped
// word lists, which an operator copies.
func TestExampleConfigRoutes(t *testing.T) {
	t.Parallel()
	r := exampleRouter(t)
	tests := []struct {
		text     string
		category string // "" = unmatched, to the school office's triage
		lead     string
		tier     cases.Tier
	}{
		{"3号楼302寝室着火了，楼道里全是烟", "dorm_management", "dormitory", cases.TierUrgent},
		{"实验楼二层闻到很浓的燃气味", "heating", "logistics", cases.TierUrgent},
		{"宿舍插座漏电，同学被电了一下", "water_power", "logistics", cases.TierUrgent},
		{"操场上有人打架，有同学受伤了", "", "", cases.TierUrgent},
		{"5号楼停电了，整栋楼都没电", "water_power", "logistics", cases.TierEssential},
		{"宿舍没有热水已经两天了", "water_power", "logistics", cases.TierEssential},
		{"校园网断网了，上不了网", "network", "network", cases.TierEssential},
		{"有人把电动车推进楼道飞线充电", "safety", "security", cases.TierUrgent},
		// Everyday words that contain 火 or name an appliance: not urgent,
		// and not the dormitory's unless the text is about a dormitory.
		{"二食堂的火锅窗口太贵了", "canteen", "logistics", cases.TierGeneral},
		{"寒假火车票的学生优惠什么时候能办", "", "", cases.TierGeneral},
		{"食堂饭菜太辣，吃了上火", "canteen", "logistics", cases.TierGeneral},
		{"图书馆三楼空调坏了，热得没法自习", "facilities", "logistics", cases.TierGeneral},
		// A dormitory word and a repair word make a dormitory repair; a
		// repair word alone is the public facilities'.
		{"我们寝室的空调不制冷", "dorm_repair", "dormitory", cases.TierGeneral},
		{"宿舍门锁坏了关不上", "dorm_repair", "dormitory", cases.TierGeneral},
		{"宿舍窗户坏了关不上", "dorm_repair", "dormitory", cases.TierGeneral},
		{"宿舍卫生间堵了", "dorm_repair", "dormitory", cases.TierGeneral},
		{"图书馆二楼厕所堵了", "facilities", "logistics", cases.TierGeneral},
		{"宿舍楼里太吵，晚上睡不着", "dorm_management", "dormitory", cases.TierGeneral},
		{"电动车停车棚太少，车没地方停", "", "", cases.TierGeneral},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got := r.Route(tt.text)
			if got.Category != tt.category || got.LeadUnit != tt.lead || got.Tier != tt.tier {
				t.Errorf("Route(%q) = category %q, lead %q, tier %q; want %q, %q, %q\nreasons: %q",
					tt.text, got.Category, got.LeadUnit, got.Tier, tt.category, tt.lead, tt.tier, got.ReasonTexts())
			}
		})
	}
}
