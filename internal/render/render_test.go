package render

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/templates"
)

// machineTemplates are the names the case machine and the sweeps ask for;
// each must exist in the embedded set.
var machineTemplates = []cases.Template{
	"case_dispatched", "case_co_dispatched", "case_accepted", "case_returned", "case_result",
	"case_resolved", "case_reopened", "case_reopened_office", "case_merged", "case_withdrawn",
	"extension_requested", "extension_approved", "extension_rejected", "co_reported",
	"case_supplemented", "case_triage", "case_accuses_official", "escalation", "case_urgent_by_text", "case_tier_changed",
}

func base() Base {
	return Base{
		BaseURL: "https://jiesu.example.edu.cn/",
		Units:   map[string]string{"logistics": "后勤管理处", "student_affairs": "学生工作部"},
		Members: map[string]string{"logistics-li": "李老师"},
	}
}

func newRenderer(t *testing.T, override string) *Renderer {
	t.Helper()
	r, err := New(templates.FS, override, base())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

func TestEveryTemplateRenders(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, "")
	// Platforms add templates of their own (digests, card updates); the
	// machine's must all be there.
	for _, name := range machineTemplates {
		if !slices.Contains(r.Names(), name) {
			t.Errorf("Names = %v lacks %s", r.Names(), name)
		}
	}
	d := sample()
	for _, name := range machineTemplates {
		m, err := r.Render(name, d)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !hasHan(m.Title) || !hasHan(m.Text) {
			t.Errorf("%s: title %q / text %q lack Chinese", name, m.Title, m.Text)
		}
		first, _, _ := strings.Cut(m.PlainText(), "\n")
		if first != m.Title || strings.Contains(m.Title, "\n") {
			t.Errorf("%s: the title %q is not the first line", name, m.Title)
		}
		if !strings.Contains(m.Title, d.Case.Number) {
			t.Errorf("%s: title %q lacks the case number", name, m.Title)
		}
		if m.Template != string(name) || m.CaseNumber != d.Case.Number || m.Link == "" {
			t.Errorf("%s: template %q, case %q, link %q", name, m.Template, m.CaseNumber, m.Link)
		}
		if strings.Contains(m.PlainText(), "<no value>") {
			t.Errorf("%s: renders <no value>: %q", name, m.PlainText())
		}
		if strings.Contains(m.PlainText(), "13812345678") {
			t.Errorf("%s: shows the unmasked phone number", name)
		}
	}
}

func TestDispatched(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, "")
	m, err := r.Render("case_dispatched", sample())
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "新诉求 JS20261128-0042" {
		t.Errorf("Title = %q", m.Title)
	}
	if m.Kind != bot.MessageCard {
		t.Errorf("Kind = %q, want card", m.Kind)
	}
	if m.Link != "https://jiesu.example.edu.cn/cases/JS20261128-0042" {
		t.Errorf("Link = %q", m.Link)
	}
	want := map[string]string{
		"等级":   "基本保障事项（24小时内办结）",
		"类别":   "水电",
		"地点":   "学生公寓3号楼",
		"联系时限": "2026-11-28 11:30",
		"办结时限": "2026-11-29 09:30",
	}
	got := map[string]string{}
	for _, f := range m.Fields {
		got[f.Label] = f.Value
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("field %s = %q, want %q", k, got[k], v)
		}
	}
	summary := got["诉求"]
	if !strings.Contains(summary, "138****5678") || !strings.HasSuffix(summary, "…") || len([]rune(summary)) != 41 {
		t.Errorf("summary = %q: want masked, cut to 40 runes and marked", summary)
	}
	if len(m.Actions) != 2 || m.Actions[0] != (bot.Button{Key: "accept", Label: "接单"}) ||
		m.Actions[1].URL != m.Link || m.Actions[1].Callback() {
		t.Errorf("Actions = %+v", m.Actions)
	}
}

func TestEmptyValuesDropOut(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, "")
	d := sample()
	d.Case.Place = ""
	d.Extra = nil
	m, err := r.Render("case_withdrawn", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.Text, "撤回理由") {
		t.Errorf("an empty reason left its line: %q", m.Text)
	}
	m, err = r.Render("case_dispatched", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.Text, "地点") {
		t.Errorf("an empty place left its line: %q", m.Text)
	}
	// No message data at all: every template still renders, with no
	// "<no value>" and no label left without its value.
	for _, name := range r.Names() {
		m, err := r.Render(name, d)
		if err != nil {
			t.Errorf("%s without data: %v", name, err)
			continue
		}
		for _, line := range strings.Split(m.Text, "\n") {
			if strings.Contains(line, "<no value>") || strings.HasSuffix(line, "：") {
				t.Errorf("%s without data: line %q", name, line)
			}
		}
	}
}

func TestComplainantResultIsText(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, "")
	m, err := r.Render("case_result", sample())
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != bot.MessageText || len(m.Actions) != 0 {
		t.Errorf("Kind %q, actions %v", m.Kind, m.Actions)
	}
	if !strings.Contains(m.Text, "办理结果：已更换供水阀门，恢复供水。") || !strings.Contains(m.Text, "办理单位：后勤管理处") {
		t.Errorf("Text = %q", m.Text)
	}
}

func TestEscalationMarksOverdue(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, "")
	d := sample()
	d.Now = d.Case.ResolveBy.Add(time.Minute)
	m, err := r.Render("escalation", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "（已超时）") || !strings.Contains(m.Text, "情况：未办结") {
		t.Errorf("Text = %q", m.Text)
	}
	d.Now = d.Case.ResolveBy.Add(-time.Minute)
	m, _ = r.Render("escalation", d)
	if strings.Contains(m.Text, "已超时") {
		t.Errorf("not yet late but says so: %q", m.Text)
	}
}

func TestTierLabelFromConfig(t *testing.T) {
	t.Parallel()
	b := base()
	b.TierLabels = map[cases.Tier]string{cases.TierEssential: "重要事项"}
	b.Policy = cases.DefaultPolicy()
	b.Policy.Tiers[cases.TierEssential] = cases.TierPolicy{ContactWithin: time.Hour, ResolveWithin: 36 * time.Hour}
	r, err := New(templates.FS, "", b)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.Render("case_dispatched", sample())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "等级：重要事项（36小时内办结）") {
		t.Errorf("Text = %q", m.Text)
	}
}

func TestUnknownTemplate(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, "")
	for _, name := range []cases.Template{"no_such_template", "labels"} {
		if _, err := r.Render(name, sample()); !errors.Is(err, ErrUnknownTemplate) {
			t.Errorf("Render(%q) = %v, want ErrUnknownTemplate", name, err)
		}
	}
}

func writeOverride(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "messages"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, "messages", name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestOverrideReplacesAndAdds(t *testing.T) {
	t.Parallel()
	dir := writeOverride(t, map[string]string{
		"case_dispatched.tmpl":  "【派单】{{.Case.Number}}\n单位：{{unitName .Case.LeadUnit}}\n",
		"escalation_dean.tmpl":  "院长督办 {{.Case.Number}}\n{{tierLabel .Case.Tier}}\n",
		"case_triage.tmpl.orig": "not a template: ignored {{",
	})
	r := newRenderer(t, dir)
	m, err := r.Render("case_dispatched", sample())
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "【派单】JS20261128-0042" || m.Text != "单位：后勤管理处" || len(m.Actions) != 0 || m.Kind != bot.MessageNotice {
		t.Errorf("override not used: %+v", m)
	}
	if m, err := r.Render("escalation_dean", sample()); err != nil || m.Text != "基本保障事项" {
		t.Errorf("added template: %+v, %v", m, err)
	}
	if !r.Has("case_result") {
		t.Error("embedded templates not overridden were lost")
	}
}

func TestBrokenTemplatesFailStart(t *testing.T) {
	t.Parallel()
	broken := map[string]map[string]string{
		"parse error":      {"case_dispatched.tmpl": "新诉求 {{.Case.Number"},
		"unknown field":    {"case_dispatched.tmpl": "新诉求 {{.Case.Numbr}}"},
		"unknown function": {"case_dispatched.tmpl": "新诉求 {{nope .Case.Number}}"},
		"empty output":     {"case_dispatched.tmpl": "{{/* nothing */}}"},
		"bad actions":      {"case_dispatched.tmpl": "{{define \"actions\"}}accept{{end}}新诉求"},
		"bad kind":         {"case_dispatched.tmpl": "{{define \"kind\"}}banner{{end}}新诉求"},
		"missing label":    {"labels.tmpl": `{{define "tier.urgent"}}紧急{{end}}`},
	}
	for name, files := range broken {
		if _, err := New(templates.FS, writeOverride(t, files), base()); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
	_, err := New(templates.FS, writeOverride(t, broken["missing label"]), base())
	if !errors.Is(err, ErrMissingLabel) || !strings.Contains(err.Error(), "state.dispatched") {
		t.Errorf("missing label error = %v", err)
	}
	if _, err := New(templates.FS, filepath.Join(t.TempDir(), "absent"), base()); err == nil {
		t.Error("a missing override directory was accepted")
	}
}

func TestFuncs(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, "")
	mask := r.funcs()["mask"].(func(string) string)
	for in, want := range map[string]string{
		"电话13812345678":         "电话138****5678",
		"电话 138-1234-5678 找王老师": "电话 138****5678 找王老师",
		"3号楼302室，2026年":         "3号楼302室，2026年",
		"身份证11010519491231002X": "身份证110***********002X",
	} {
		if got := mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
	if got := truncate(3, "停水了吗"); got != "停水了…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate(4, "停水了吗"); got != "停水了吗" {
		t.Errorf("truncate at length = %q", got)
	}
	if got := r.summary(10, "第一行\n\n  第二行 13812345678"); got != "第一行 第二行 13…" {
		t.Errorf("summary = %q", got)
	}
	for d, want := range map[time.Duration]string{
		2 * time.Hour: "2小时", 24 * time.Hour: "24小时", 120 * time.Hour: "5天", 30 * time.Minute: "30分钟", 90 * time.Minute: "1小时30分钟", 0: "",
	} {
		if got := r.duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
	if got := r.label("state", cases.StateDispatched); got != "待接单" {
		t.Errorf("state label = %q", got)
	}
	if got := r.label("state", "unheard_of"); got != "unheard_of" {
		t.Errorf("unknown code label = %q", got)
	}
	if got := formatTime(time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)); got != "2026-11-28 09:00" {
		t.Errorf("formatTime = %q", got)
	}
}
