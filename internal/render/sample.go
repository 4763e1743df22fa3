package render

import (
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// sample is the case every template is tried on at start: every field set,
// so a template that reads a field that does not exist fails there. Tests
// use it too.
func sample() Data {
	at := time.Date(2026, 11, 28, 9, 30, 0, 0, cases.Shanghai())
	return Data{
		Case: cases.Case{
			ID: 42, Number: "JS20261128-0042", Channel: cases.ChannelWeChatOA, ChannelRef: "6054768590064713728",
			Complainant: cases.Complainant{Identity: "oyORnuP8q7ou2gfYjqLzSIWZf0rs", NameMasked: "张*", ContactMasked: "138****5678"},
			Content:     "学生公寓3号楼302室从昨晚起停水，联系电话13812345678，请尽快处理，谢谢！",
			Place:       "学生公寓3号楼", Category: "水电", Tier: cases.TierEssential, State: cases.StateDispatched,
			TierRaisedFrom: cases.TierGeneral, TierEvidence: []string{"水漫进", "13812345678失联"},
			LeadUnit: "logistics", FirstHandler: "logistics-li",
			CoUnits:      []cases.Assignment{{Unit: "student_affairs", State: cases.AssignmentDispatched, DueBy: at.Add(24 * time.Hour)}},
			RegisteredAt: at, DispatchedAt: at, AcceptedAt: at.Add(10 * time.Minute),
			ContactBy: at.Add(2 * time.Hour), ResolveBy: at.Add(24 * time.Hour), UpdatedAt: at,
			Result: "已更换供水阀门，恢复供水。", Reopens: 1, Version: 3,
		},
		// A value for every key of every template's data (data.go), so that
		// the try at start takes each branch that a value opens.
		Extra: map[string]string{
			"lead_unit": "logistics", "unit": "student_affairs", "member": "logistics-li", "member_name": "李老师",
			"reason": "不属于本单位职责", "result": "已更换供水阀门，恢复供水。", "rating": string(cases.RatingUnsatisfied),
			"primary": "JS20261127-0007", "until": "2026-11-30 18:00", "report": "已配合检修管道。",
			"condition": "not_resolved", "from_tier": string(cases.TierUrgent),
			"complainant_name": "张三", "complainant_contact": "13812345678",
			"kind": "reminder", "elapsed": "35m0s", "late_by": "1h30m0s", "left": "2h0m0s", "incident_count": "3",
			"count": "3", "escalations": "1", "reminders": "2", "more": "1",
			"rows":     "JS20261128-0042\tlogistics\tnot_resolved\tlate_by\t1h30m0s\t3\nJS20261128-0043\tlogistics\tnot_contacted\tleft\t20m0s\t",
			"incident": "7", "pending": "2", "place": "学生公寓3号楼", "category": "水电", "added": "1", "removed": "1",
			"action": "accept", "skipped": "1", "field": "reason", "name": "李老师", "number": "JS20261128-0042",
			"state": string(cases.StateAccepted), "first_handler": "李老师",
		},
		Now: at.Add(time.Hour),
	}
}
