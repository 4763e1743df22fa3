package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/templates"
)

// An override that reads a field its template's data does not have stops
// the start, with the template, the file and the field in the message,
// even where the sample would not take the branch that reads it.
func TestOverrideWithAWrongFieldFailsStart(t *testing.T) {
	t.Parallel()
	for name, files := range map[string]map[string]string{
		"misspelt":      {"case_returned.tmpl": "诉求被退回 {{.Case.Number}}\n退回理由：{{.Extra.reson}}"},
		"other's field": {"case_returned.tmpl": "诉求被退回 {{.Case.Number}}\n办理结果：{{.Extra.result}}"},
		"untaken branch": {"case_returned.tmpl": "诉求被退回 {{.Case.Number}}\n" +
			`{{if eq .Extra.unit "nobody"}}{{$.Extra.reson}}{{end}}`},
	} {
		dir := writeOverride(t, files)
		_, err := New(templates.FS, dir, base())
		if !errors.Is(err, ErrUnknownField) {
			t.Errorf("%s: New = %v, want ErrUnknownField", name, err)
			continue
		}
		for _, want := range []string{"case_returned", dir, ".Extra.", "reason, unit"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q lacks %q", name, err, want)
			}
		}
	}
	// A field read through with, out of the static check's sight, fails
	// the try on the sample.
	_, err := New(templates.FS, writeOverride(t, map[string]string{
		"case_returned.tmpl": "诉求被退回 {{.Case.Number}}\n{{with .Extra}}{{.reson}}{{end}}"}), base())
	if err == nil || !strings.Contains(err.Error(), "reson") {
		t.Errorf("read through with: New = %v", err)
	}
	// A template that fails when a key is empty, as a message without it
	// renders, fails the start too.
	_, err = New(templates.FS, writeOverride(t, map[string]string{
		"escalation_digest.tmpl": "督办汇总 {{index (split .Extra.rows \"\\t\") 3}}"}), base())
	if err == nil || !strings.Contains(err.Error(), "empty data") {
		t.Errorf("fails on empty data: New = %v", err)
	}
}

// Every key of every template's data has a value in the sample, so the
// try at start takes the branches a value opens; and every embedded
// template reads only keys of its own data (New checks that).
func TestSampleCoversEveryDataKey(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, "")
	d := sample()
	for _, name := range r.Names() {
		for _, k := range extraKeys(dataOf(name)) {
			if d.Extra[k] == "" {
				t.Errorf("%s: the sample has no %s", name, k)
			}
		}
	}
}

// A key the message did not carry renders empty, as before the data
// structs; one its template's data does not have never reaches it.
func TestRenderShapesExtra(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, "")
	d := sample()
	d.Extra = map[string]string{"unit": "logistics", "result": "不该出现"}
	m, err := r.Render(cases.TemplateCaseReturned, d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.Text, "不该出现") || !strings.Contains(m.Text, "退回单位：后勤管理处") || strings.Contains(m.Text, "退回理由") {
		t.Errorf("Text = %q", m.Text)
	}
	if got := Extra(ReturnedData{Unit: "logistics", Reason: "不属于本单位"}); len(got) != 2 || got["unit"] != "logistics" || got["reason"] != "不属于本单位" {
		t.Errorf("Extra = %v", got)
	}
}
