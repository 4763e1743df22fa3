package routing

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
)

func TestRouteCategory(t *testing.T) {
	t.Parallel()
	r := newTestRouter(t)
	tests := []struct {
		name, text, category string
	}{
		{"one keyword", "宿舍停电了", "utilities"},
		{"most distinct keywords win", "食堂饭菜里有异物，还停电了", "canteen"},
		// 停电 three times is still one keyword; 食堂 and 窗口 are two.
		{"repeats count once", "停电停电停电，食堂窗口", "canteen"},
		{"Latin letters ignore case", "宿舍wifi连不上", "network"},
		{"upper case", "连不上VPN", "network"},
		{"full-width letters", "ＷｉＦｉ信号差", "network"},
		{"keyword inside longer text", strings.Repeat("啊", 10000) + "奖学金" + strings.Repeat("啊", 10000), "aid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := r.Route(tt.text)
			if !got.Matched || got.Category != tt.category {
				t.Errorf("Route(%.30q).Category = %q (matched %v), want %q", tt.text, got.Category, got.Matched, tt.category)
			}
		})
	}
}

func TestRouteTieGoesToEarlierCategory(t *testing.T) {
	t.Parallel()
	const text = "食堂停电了" // one keyword each from utilities and canteen
	if got := newTestRouter(t).Route(text).Category; got != "utilities" {
		t.Errorf("Category = %q, want utilities (listed first)", got)
	}
	cfg := testConfig()
	cfg.Categories[0], cfg.Categories[1] = cfg.Categories[1], cfg.Categories[0]
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Route(text).Category; got != "canteen" {
		t.Errorf("swapped order: Category = %q, want canteen", got)
	}
}

func TestRouteCarriesCategory(t *testing.T) {
	t.Parallel()
	r := newTestRouter(t)
	got := r.Route("奖学金还没到账")
	want := Result{Category: "aid", CategoryName: "奖助学金", Tier: cases.TierGeneral, LeadUnit: "student_affairs", CoUnits: []string{"finance"}, Matched: true}
	if got.Category != want.Category || got.CategoryName != want.CategoryName || got.Tier != want.Tier ||
		got.LeadUnit != want.LeadUnit || !slices.Equal(got.CoUnits, want.CoUnits) || got.Matched != want.Matched {
		t.Errorf("Route = %+v, want %+v", got, want)
	}
	// The result is the caller's to change; the router must not share its slices.
	got.CoUnits[0] = "changed"
	if again := r.Route("奖学金还没到账"); again.CoUnits[0] != "finance" {
		t.Errorf("changing a result changed the router: CoUnits = %v", again.CoUnits)
	}
}

func TestRouteTier(t *testing.T) {
	t.Parallel()
	r := newTestRouter(t)
	tests := []struct {
		name, text string
		want       cases.Tier
	}{
		{"category without tier is general", "二食堂菜价太贵", cases.TierGeneral},
		{"category tier", "水管一直在漏水", cases.TierEssential},
		{"urgent category", "自行车被盗了", cases.TierUrgent},
		{"essential word raises general", "网速太慢，晚上直接断网", cases.TierEssential},
		{"urgent word raises general", "食堂后厨冒烟了", cases.TierUrgent},
		{"urgent word raises essential", "宿舍停电，插座还漏电", cases.TierUrgent},
		{"urgent beats essential", "停水了，有人滑倒受伤", cases.TierUrgent},
		{"essential word never lowers urgent", "保安室被盗了，还停电", cases.TierUrgent},
		{"urgent word in unmatched text", "楼道里有人晕倒了", cases.TierUrgent},
		{"essential word in unmatched text", "整个园区都断电", cases.TierEssential},
		{"nothing", "建议增加自习室开放时间", cases.TierGeneral},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := r.Route(tt.text).Tier; got != tt.want {
				t.Errorf("Route(%q).Tier = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestRouteOfficialWords(t *testing.T) {
	t.Parallel()
	r := newTestRouter(t)
	tests := []struct {
		text string
		want bool
	}{
		{"宿管借检查之机吃拿卡要", true},
		{"某老师收红包才给奖学金", true},
		{"奖学金还没到账", false},
		{"", false},
	}
	for _, tt := range tests {
		got := r.Route(tt.text)
		if got.AccusesOfficial != tt.want {
			t.Errorf("Route(%q).AccusesOfficial = %v, want %v", tt.text, got.AccusesOfficial, tt.want)
		}
		if has := hasRule(got, RuleOfficialWord); has != tt.want {
			t.Errorf("Route(%q): official_word reason present = %v, want %v", tt.text, has, tt.want)
		}
	}
}

func TestRoutePlace(t *testing.T) {
	t.Parallel()
	r := newTestRouter(t)
	tests := []struct {
		name, text, want string
	}{
		{"configured", "图书馆空调太冷", "图书馆"},
		{"longest configured", "综合实验楼门禁坏了", "综合实验楼"},
		{"configured beats pattern", "图书馆旁边的3号楼", "图书馆"},
		{"building", "3号楼停电", "3号楼"},
		{"dormitory building", "3号宿舍楼没热水", "3号宿舍楼"},
		{"Chinese numeral building", "三号楼门口积水", "三号楼"},
		{"zone", "东区12号楼电梯坏了", "东区12号楼"},
		{"room", "东区3号楼502室漏水", "东区3号楼502室"},
		{"bare room number", "西区10号楼1203没网", "西区10号楼1203"},
		{"floor", "12号楼3层卫生间堵了", "12号楼3层"},
		{"apartment", "5号公寓302室太吵", "5号公寓302室"},
		{"canteen", "二食堂太贵", "二食堂"},
		{"ordinal canteen", "第一食堂排队太久", "第一食堂"},
		{"digit restaurant", "3餐厅关门太早", "3餐厅"},
		{"teaching building", "第三教学楼投影仪坏了", "第三教学楼"},
		{"full-width digits", "３号楼停电", "3号楼"},
		{"longest of two", "从3号楼搬到东区5号楼502室", "东区5号楼502室"},
		{"earliest of equal length", "3号楼和5号楼都停电", "3号楼"},
		{"no number, no place", "宿舍楼停电", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := r.Route(tt.text)
			if got.Place != tt.want {
				t.Errorf("Route(%q).Place = %q, want %q", tt.text, got.Place, tt.want)
			}
			if has := hasRule(got, RulePlace); has != (tt.want != "") {
				t.Errorf("Route(%q): place reason present = %v, want %v", tt.text, has, tt.want != "")
			}
		})
	}
}

func TestRouteUnmatchedGoesToTriage(t *testing.T) {
	t.Parallel()
	r := newTestRouter(t)
	tests := []struct {
		name, text string
		tier       cases.Tier
	}{
		{"plain", "我想咨询一下转专业的政策", cases.TierGeneral},
		{"empty", "", cases.TierGeneral},
		{"blank", "  \n\t ", cases.TierGeneral},
		{"urgent is never silently general", "宿舍插座漏电，有人触电", cases.TierUrgent},
		{"invalid UTF-8", "\xff\xfe停\xe5", cases.TierGeneral},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := r.Route(tt.text)
			if got.Matched || got.Category != "" || got.CategoryName != "" || got.LeadUnit != "" || got.CoUnits != nil {
				t.Errorf("Route(%q) = %+v, want no category and no lead unit", tt.text, got)
			}
			if got.Tier != tt.tier {
				t.Errorf("Route(%q).Tier = %q, want %q", tt.text, got.Tier, tt.tier)
			}
			if n := countRule(got, RuleUnmatched); n != 1 {
				t.Errorf("Route(%q): %d unmatched reasons, want 1: %v", tt.text, n, got.Reasons)
			}
			if got.Reasons[0].Rule != RuleUnmatched {
				t.Errorf("Route(%q): first reason %v, want unmatched", tt.text, got.Reasons[0])
			}
		})
	}
}

func TestRouteReasons(t *testing.T) {
	t.Parallel()
	r := newTestRouter(t)
	tests := []struct {
		text string
		want []Reason
	}{
		{"3号楼停电停水，宿管贪污维修费", []Reason{
			{RuleCategoryKeyword, `keywords "停电", "停水" → category utilities`},
			{RuleCategoryTier, `category utilities → tier essential`},
			{RuleEssentialWord, `essential words "停水", "停电" (tier already essential)`},
			{RuleOfficialWord, `official word "贪污" → accuses an official: the discipline office sees the case`},
			{RulePlace, `place "3号楼" (pattern)`},
		}},
		{"网速太慢，晚上直接断网", []Reason{
			{RuleCategoryKeyword, `keywords "断网", "网速" → category network`},
			{RuleCategoryTier, `category network → tier general`},
			{RuleEssentialWord, `essential word "断网" → tier essential (was general)`},
		}},
		{"学一食堂有人打架，有人受伤", []Reason{
			{RuleCategoryKeyword, `keyword "食堂" → category canteen`},
			{RuleCategoryTier, `category canteen → tier general`},
			{RuleUrgentWord, `urgent words "打架", "受伤" and no exception beside it: urgent in doubt → tier urgent (was general)`},
			{RulePlace, `place "学一食堂" (configured)`},
		}},
		{"宿舍插座漏电", []Reason{
			{RuleUnmatched, `no category keyword → triage queue of school_office`},
			{RuleUrgentWord, `urgent word "漏电" and no exception beside it: urgent in doubt → tier urgent (was general)`},
		}},
		{"", []Reason{
			{RuleUnmatched, `no category keyword → triage queue of school_office`},
		}},
	}
	for _, tt := range tests {
		got := r.Route(tt.text)
		if !slices.Equal(got.Reasons, tt.want) {
			t.Errorf("Route(%q).Reasons:\n got %q\nwant %q", tt.text, got.Reasons, tt.want)
		}
	}
}

// 学一食堂有人打架 matches canteen (食堂) and safety (打架) once each; canteen
// is listed first and wins the tie, so the test above relies on order too.

func TestRouteCategoryWithoutLeadUnit(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Categories = append(cfg.Categories, config.Category{ID: "other", Name: "其他", Keywords: []string{"建议"}})
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := r.Route("建议延长图书馆开放时间")
	if !got.Matched || got.Category != "other" || got.LeadUnit != "" {
		t.Errorf("Route = %+v, want category other with no lead unit", got)
	}
	if d := got.Reasons[0].Detail; !strings.Contains(d, "triage queue of school_office") {
		t.Errorf("reason %q does not say the case goes to triage", d)
	}
}

func TestReasonTexts(t *testing.T) {
	t.Parallel()
	got := newTestRouter(t).Route("宿舍插座漏电").ReasonTexts()
	want := []string{
		"unmatched: no category keyword → triage queue of school_office",
		`urgent_word: urgent word "漏电" and no exception beside it: urgent in doubt → tier urgent (was general)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("ReasonTexts() = %q, want %q", got, want)
	}
}

func hasRule(r Result, rule string) bool { return countRule(r, rule) > 0 }

func countRule(r Result, rule string) int {
	n := 0
	for _, x := range r.Reasons {
		if x.Rule == rule {
			n++
		}
	}
	return n
}

func TestRouteAsUnknownCategory(t *testing.T) {
	t.Parallel()
	if _, err := newTestRouter(t).RouteAs("图书馆太吵", "weather"); !errors.Is(err, ErrUnknownCategory) {
		t.Errorf("RouteAs with an unknown category: %v, want ErrUnknownCategory", err)
	}
}
