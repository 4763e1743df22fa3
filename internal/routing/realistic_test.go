package routing

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
)

// Complaints as students write them, routed with testConfig.
func TestRouteRealisticComplaints(t *testing.T) {
	t.Parallel()
	r := newTestRouter(t)
	tests := []struct {
		text     string
		category string // "" = unmatched
		lead     string
		tier     cases.Tier
		place    string
		official bool
	}{
		{"东区3号楼今晚突然停电了，整栋楼都没电，明早还要交作业", "utilities", "logistics", cases.TierEssential, "东区3号楼", false},
		{"学一食堂的饭菜里吃出了异物，希望严查", "canteen", "catering", cases.TierGeneral, "学一食堂", false},
		{"校园网从早上开始就断了，宿舍上不了网，影响上网课", "network", "it_center", cases.TierEssential, "", false},
		{"综合实验楼302实验室着火冒烟了！", "lab", "lab_office", cases.TierUrgent, "综合实验楼", false},
		{"我的高数成绩录入错误，教务系统显示不及格", "grades", "academic_affairs", cases.TierGeneral, "", false},
		{"上学期的国家奖学金到现在还没到账", "aid", "student_affairs", cases.TierGeneral, "", false},
		{"辅导员总是不回消息，请假条一直没批", "student_life", "student_affairs", cases.TierGeneral, "", false},
		{"5号公寓楼下有人打架，有同学受伤流血", "safety", "security", cases.TierUrgent, "5号公寓楼", false},
		{"2号宿舍楼502室没有热水已经三天了", "utilities", "logistics", cases.TierEssential, "2号宿舍楼502室", false},
		{"宿舍暖气不热，晚上冻得睡不着", "utilities", "logistics", cases.TierEssential, "", false},
		{"图书馆三楼的WiFi信号太差，网速很慢", "network", "it_center", cases.TierGeneral, "图书馆", false},
		{"二食堂菜价又涨了，一份土豆丝要8块", "canteen", "catering", cases.TierGeneral, "二食堂", false},
		{"化学楼实验室闻到很浓的燃气味，怀疑泄漏", "lab", "lab_office", cases.TierUrgent, "", false},
		{"在校医院看病的费用报销一直办不下来", "health", "hospital", cases.TierGeneral, "", false},
		{"12号楼3层的卫生间水管爆了，漏水严重", "utilities", "logistics", cases.TierEssential, "12号楼3层", false},
		{"后勤某科长借维修之机吃拿卡要，向学生索要好处", "", "", cases.TierGeneral, "", true},
		{"宿舍插座漏电，有同学被电了一下", "", "", cases.TierUrgent, "", false},
		{"我想咨询一下转专业的政策", "", "", cases.TierGeneral, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got := r.Route(tt.text)
			if got.Category != tt.category || got.LeadUnit != tt.lead || got.Tier != tt.tier ||
				got.Place != tt.place || got.AccusesOfficial != tt.official || got.Matched != (tt.category != "") {
				t.Errorf("Route(%q)\n got category=%q lead=%q tier=%q place=%q official=%v matched=%v\nwant category=%q lead=%q tier=%q place=%q official=%v\nreasons: %q",
					tt.text, got.Category, got.LeadUnit, got.Tier, got.Place, got.AccusesOfficial, got.Matched,
					tt.category, tt.lead, tt.tier, tt.place, tt.official, got.ReasonTexts())
			}
		})
	}
}

// BenchmarkRoute routes with testConfig and with the shipped configuration,
// whose urgent patterns run on every clause.
func BenchmarkRoute(b *testing.B) {
	short := "东区3号楼502室今晚突然停电了，整栋楼都没电，明早还要交作业，希望尽快修好"
	// The longest text cases.New accepts: 5000 runes with no keyword until
	// the end, the worst case for every strings.Contains; and one of as
	// many short clauses, the worst case for the patterns.
	long := strings.Repeat("我们宿舍的同学都很着急希望", 5000/13) + "停电"
	clauses := strings.Repeat("消防通道被占用，", 5000/8)
	for _, cfg := range []struct {
		name string
		r    *Router
	}{{"test", newTestRouter(b)}, {"example", exampleRouter(b)}} {
		for _, bc := range []struct{ name, text string }{{"short", short}, {"5000runes", long}, {"625clauses", clauses}} {
			b.Run(fmt.Sprintf("%s/%s/%dB", cfg.name, bc.name, len(bc.text)), func(b *testing.B) {
				b.SetBytes(int64(len(bc.text)))
				b.ReportAllocs()
				for b.Loop() {
					cfg.r.Route(bc.text)
				}
			})
		}
	}
}
