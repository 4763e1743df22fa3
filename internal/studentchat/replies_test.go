package studentchat

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/templates"
)

func TestEveryReplyRenders(t *testing.T) {
	t.Parallel()
	names := Names{Units: map[string]string{"logistics": "后勤管理处"}, SupplementWindow: 90 * time.Minute}
	r, err := NewReplies(templates.Student, templates.FS, names, cases.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	c := cases.Case{Number: "JS20261128-0042", Tier: cases.TierUrgent, State: cases.StateDispatched, LeadUnit: "logistics",
		Content: "电话13812345678", ResolveBy: time.Date(2026, 11, 28, 11, 0, 0, 0, cases.Shanghai())}
	data := map[string]any{
		"Case": c, "Cases": []cases.Case{c}, "TierLabel": "紧急事项", "AskPhone": true, "What": "图片", "Masked": "138****5678",
		"Number": c.Number, "Rating": cases.RatingUnsatisfied, "Reopened": true, "Reason": "unsupported",
		"Length": 12000, "Max": cases.MaxContentLength,
		"Events": []eventLine{{At: c.ResolveBy, Kind: "dispatch", Unit: "logistics"}},
	}
	for _, name := range replyNames {
		out, err := r.Render(name, data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if out == "" || strings.Contains(out, "<no value>") || len(out) > 2048 || strings.Contains(out, "13812345678") {
			t.Errorf("%s renders %q", name, out)
		}
	}
	if got, _ := r.Render("receipt", data); !strings.Contains(got, "紧急事项，2小时内办理") || !strings.Contains(got, "后勤管理处") {
		t.Errorf("receipt = %q", got)
	}
	// The supplement window is the configured one, wherever it is promised.
	for _, name := range []string{"receipt", "help"} {
		if got, _ := r.Render(name, data); !strings.Contains(got, "1小时30分钟内") || strings.Contains(got, "10分钟") {
			t.Errorf("%s does not promise the configured supplement window: %q", name, got)
		}
	}
	if got, _ := r.Render("detail", data); !strings.Contains(got, "138****5678") || !strings.Contains(got, "已转办 后勤管理处") {
		t.Errorf("detail = %q", got)
	}
	// A template set without one of the replies does not start.
	broken := fstest.MapFS{"student/welcome.tmpl": {Data: []byte("欢迎")}}
	if _, err := NewReplies(broken, templates.FS, names, cases.DefaultPolicy()); err == nil {
		t.Error("a template set without most replies was accepted")
	}
	if _, err := NewReplies(templates.Student, templates.FS, Names{}, cases.DefaultPolicy()); err == nil {
		t.Error("replies without a supplement window to promise were accepted")
	}
}

// A reply prints a unit's result as the renderer prints data: on one line,
// without control or invisible characters; its own lines stay.
func TestRepliesPrintDataInert(t *testing.T) {
	t.Parallel()
	names := Names{Units: map[string]string{"logistics": "后勤管理处"}, SupplementWindow: 10 * time.Minute}
	r, err := NewReplies(templates.Student, templates.FS, names, cases.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	c := cases.Case{Number: "JS20261128-0042", State: cases.StateFeedbackGiven, LeadUnit: "logistics",
		Content: "停水", Result: "已修复\n办理过程：\u202E伪造\u200B\x07"}
	got, err := r.Render("detail", map[string]any{"Case": c, "Events": []eventLine{}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "办理结果：已修复 办理过程：伪造") || strings.Count(got, "办理过程：") != 2 ||
		strings.ContainsAny(got, "\u202E\u200B\x07") {
		t.Errorf("detail = %q", got)
	}
}
