package unitchat

import (
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

func TestParseCommand(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]request{
		"办结 JS20261128-0042 已更换灯管":                 {action: cases.ActionResolve, number: "JS20261128-0042", text: "已更换灯管"},
		"办结：js20261128-0042　已更换 灯管":                {action: cases.ActionResolve, number: "JS20261128-0042", text: "已更换 灯管"},
		"接单JS20261128-0042":                        {action: cases.ActionAccept, number: "JS20261128-0042"},
		"签收 JS20261128-0042":                       {action: cases.ActionAccept, number: "JS20261128-0042"},
		"已联系 JS20261128-0042 今晚上门":                 {action: cases.ActionContact, number: "JS20261128-0042", text: "今晚上门"},
		"退回 JS20261128-0042 不属于本单位职责":              {action: cases.ActionReturn, number: "JS20261128-0042", text: "不属于本单位职责"},
		"申请延期 JS20261128-0042 3天 需要采购配件":           {action: cases.ActionRequestExtension, number: "JS20261128-0042", until: "3天", text: "需要采购配件"},
		"延期 JS20261128-0042 2026-12-05 18:00 等待厂家": {action: cases.ActionRequestExtension, number: "JS20261128-0042", until: "2026-12-05 18:00", text: "等待厂家"},
		"延期 JS20261128-0042 等待厂家":                  {action: cases.ActionRequestExtension, number: "JS20261128-0042", text: "等待厂家"},
		"协办接单 JS20261128-0042":                     {action: cases.ActionCoAccept, number: "JS20261128-0042"},
		"报送 JS20261128-0042 已清理管道":                 {action: cases.ActionCoReport, number: "JS20261128-0042", text: "已清理管道"},
		"退回 JS20261128-0042 不属于\x00本单位\x1b职责\xff":  {action: cases.ActionReturn, number: "JS20261128-0042", text: "不属于本单位职责\uFFFD"},
		"你好":              {action: help},
		"办结 已更换灯管":        {action: help},
		"JS20261128-0042": {action: help},
	} {
		if got := parseCommand(in); got != want {
			t.Errorf("parseCommand(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestParseUntil(t *testing.T) {
	t.Parallel()
	sh := cases.Shanghai()
	resolveBy := time.Date(2026, 11, 29, 9, 30, 0, 0, sh)
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, sh)
	for in, want := range map[string]time.Time{
		"3天":               resolveBy.Add(72 * time.Hour),
		"48小时":             resolveBy.Add(48 * time.Hour),
		"2026-12-05":       time.Date(2026, 12, 5, 23, 59, 0, 0, sh),
		"2026-12-05 18:00": time.Date(2026, 12, 5, 18, 0, 0, 0, sh),
		"12-05":            time.Date(2026, 12, 5, 23, 59, 0, 0, sh),
		"12月5日":            time.Date(2026, 12, 5, 23, 59, 0, 0, sh),
	} {
		got, ok := parseUntil(in, resolveBy, now)
		if !ok || !got.Equal(want) {
			t.Errorf("parseUntil(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "明天", "0天", "2026-13-01", "400天"} {
		if _, ok := parseUntil(bad, resolveBy, now); ok {
			t.Errorf("parseUntil(%q) accepted", bad)
		}
	}
}
