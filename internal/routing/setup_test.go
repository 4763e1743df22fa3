package routing

import (
	"testing"

	"github.com/jiesu/jiesu/internal/config"
)

// testConfig is a small but realistic campus configuration. Category order
// matters: it breaks ties.
func testConfig() *config.Config {
	return &config.Config{
		Units: []config.Unit{
			{ID: "school_office", Name: "学校办公室"},
			{ID: "logistics", Name: "后勤管理处"},
			{ID: "catering", Name: "饮食服务中心"},
			{ID: "it_center", Name: "网络信息中心"},
			{ID: "lab_office", Name: "实验室与设备管理处"},
			{ID: "security", Name: "保卫处"},
			{ID: "academic_affairs", Name: "教务处"},
			{ID: "student_affairs", Name: "学生工作部"},
			{ID: "graduate_affairs", Name: "研究生工作部"},
			{ID: "finance", Name: "财务处"},
			{ID: "hospital", Name: "校医院"},
			{ID: "discipline_office", Name: "纪检监察办公室"},
		},
		Categories: []config.Category{
			{ID: "utilities", Name: "水电暖", Tier: "essential", LeadUnit: "logistics",
				Keywords: []string{"停电", "断电", "没电", "跳闸", "停水", "没水", "漏水", "热水", "暖气", "供暖", "水管", "电路"}},
			{ID: "canteen", Name: "餐饮", LeadUnit: "catering", CoUnits: []string{"logistics"},
				Keywords: []string{"食堂", "餐厅", "饭菜", "异物", "窗口", "菜价", "打饭", "外卖"}},
			{ID: "network", Name: "校园网", Tier: "general", LeadUnit: "it_center",
				Keywords: []string{"校园网", "网络", "断网", "网速", "WiFi", "VPN", "上不了网"}},
			{ID: "lab", Name: "实验室安全", LeadUnit: "lab_office", CoUnits: []string{"security"},
				Keywords: []string{"实验室", "试剂", "危化品", "通风橱"}},
			{ID: "safety", Name: "校园安全", Tier: "urgent", LeadUnit: "security",
				Keywords: []string{"打架", "斗殴", "被盗", "小偷", "可疑人员", "保安"}},
			{ID: "grades", Name: "成绩与选课", LeadUnit: "academic_affairs",
				Keywords: []string{"成绩", "选课", "补考", "学分", "教务系统", "课表"}},
			{ID: "aid", Name: "奖助学金", LeadUnit: "student_affairs", CoUnits: []string{"finance"},
				Keywords: []string{"奖学金", "助学金", "困难补助", "到账", "资助"}},
			{ID: "student_life", Name: "学生事务", LeadUnit: "student_affairs",
				Keywords: []string{"辅导员", "班主任", "请假", "调宿", "宿舍调换"}},
			{ID: "health", Name: "医疗", LeadUnit: "hospital",
				Keywords: []string{"校医院", "医务室", "看病", "报销"}},
		},
		Routing: config.Routing{
			UrgentWords:    []string{"着火", "火灾", "冒烟", "受伤", "流血", "晕倒", "昏迷", "打架", "斗殴", "漏电", "触电", "燃气味", "煤气味"},
			EssentialWords: []string{"停水", "没水", "停电", "断电", "没电", "没有热水", "没热水", "暖气不热", "没暖气", "断网", "网断了", "上不了网"},
			OfficialWords:  []string{"贪污", "受贿", "收红包", "吃拿卡要", "以权谋私", "索要好处"},
			Places:         []string{"图书馆", "实验楼", "综合实验楼", "学一食堂", "体育馆"},
		},
	}
}

func newTestRouter(t testing.TB) *Router {
	t.Helper()
	r, err := New(testConfig())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

// exampleRouter routes with the configuration a fresh install serves.
func exampleRouter(t testing.TB) *Router {
	t.Helper()
	c, err := config.Load("", nil)
	if err != nil {
		t.Fatalf("Load example: %v", err)
	}
	r, err := New(c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}
