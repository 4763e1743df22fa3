// Package render turns a queued message (a template name, a case and the
// message's own data) into a bot.Message. Templates are parsed, checked
// against their data (data.go) and tried once against a sample case when
// the Renderer is built, so a broken template, or one that reads a field
// its data does not have, stops the start instead of a delivery.
//
// templates/messages/README.md describes how a template's output becomes a
// message: title line, text, 标签：值 fields, an "actions" block of buttons.
package render

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/secret"
)

// Sentinels callers test with errors.Is.
var (
	ErrUnknownTemplate = errors.New("unknown template")
	ErrEmpty           = errors.New("template rendered no title")
)

const (
	dir                       = "messages"
	ext                       = ".tmpl"
	labelsName cases.Template = "labels"
)

// Base is what every rendering shares, taken from the configuration.
type Base struct {
	// BaseURL is the public address (server.base_url); a case's link is
	// BaseURL/cases/<number>. Empty: messages carry no link.
	BaseURL string
	// TierLabels override labels.tmpl's tier names (tiers.*.label).
	TierLabels map[cases.Tier]string
	// Policy gives the windows the promises quote ("2小时内办结"). A zero
	// Policy means cases.DefaultPolicy().
	Policy cases.Policy
	// Units, Members and Categories map ids to names (units[].name,
	// members[].name, categories[].name); an id without a name shows as
	// itself.
	Units      map[string]string
	Members    map[string]string
	Categories map[string]string
	// SurveyLink returns the signed link of a case's satisfaction survey
	// page (templates call surveyLink); nil: no link, the digits only.
	SurveyLink func(caseNumber string) string
	// Mask is the rule that templates' mask and summary apply to text
	// (security.student_number); the zero rule has the default format.
	Mask secret.TextMask
}

// Data is what one message is rendered from.
type Data struct {
	Case cases.Case
	// Extra is the message's own data from the transition (reason, result,
	// until…): the keys of the template's data struct (dataOf). A key of
	// that struct the message lacks renders empty.
	Extra map[string]string
	// Link is the case page. Empty: derived from Base.BaseURL.
	Link string
	// TierLabel is the case tier's name. Empty: from Base or labels.tmpl.
	TierLabel string
	// Now is the time of rendering, for "overdue" remarks.
	Now time.Time
}

// Renderer renders messages from parsed templates. It is safe for
// concurrent use: it only reads after New.
type Renderer struct {
	base   Base
	labels map[string]string
	sets   map[cases.Template]*template.Template
	keys   map[cases.Template][]string // of each template's data
}

// New parses the templates under messages/ in fsys, with any file of the
// same name in overrideDir/messages replacing the embedded one (and new
// names added). It fails on a template that does not parse, one that reads
// a key of Extra its data struct does not have, one that fails on a sample
// case with every key set or with none, or a missing label.
func New(fsys fs.FS, overrideDir string, base Base) (*Renderer, error) {
	sources, err := readSources(fsys, overrideDir)
	if err != nil {
		return nil, err
	}
	if base.Policy.Tiers == nil {
		base.Policy = cases.DefaultPolicy()
	}
	r := &Renderer{base: base, sets: make(map[cases.Template]*template.Template), keys: make(map[cases.Template][]string)}
	labelSrc, ok := sources[labelsName]
	if !ok {
		return nil, fmt.Errorf("render: %s/%s%s is missing", dir, labelsName, ext)
	}
	root, err := template.New(string(labelsName)).Funcs(r.funcs()).Option("missingkey=error").Parse(labelSrc.text)
	if err != nil {
		return nil, fmt.Errorf("render: parse %s: %w", labelSrc.from, err)
	}
	if r.labels, err = loadLabels(root); err != nil {
		return nil, fmt.Errorf("render: %s: %w", labelSrc.from, err)
	}
	for name, src := range sources {
		if name == labelsName {
			continue
		}
		t, err := root.Clone()
		if err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
		if _, err := t.New(string(name)).Parse(src.text); err != nil {
			return nil, fmt.Errorf("render: parse %s: %w", src.from, err)
		}
		r.keys[name] = extraKeys(dataOf(name))
		if err := checkReads(t, r.keys[name]); err != nil {
			return nil, fmt.Errorf("render: %s: template %s %w", src.from, name, err)
		}
		escapeActions(t)
		r.sets[name] = t
	}
	for _, name := range r.Names() {
		d := sample()
		if _, err := r.Render(name, d); err != nil {
			return nil, fmt.Errorf("render: try %s on a sample case: %w", sources[name].from, err)
		}
		// A message may lack any key of its data, which then reads empty.
		d.Extra = nil
		if _, err := r.Render(name, d); err != nil {
			return nil, fmt.Errorf("render: try %s on a sample case with empty data: %w", sources[name].from, err)
		}
	}
	return r, nil
}

// Names lists the message templates, sorted.
func (r *Renderer) Names() []cases.Template {
	names := make([]cases.Template, 0, len(r.sets))
	for n := range r.sets {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Has reports whether a template of that name exists.
func (r *Renderer) Has(name cases.Template) bool { _, ok := r.sets[name]; return ok }

// Render renders template name with d.
func (r *Renderer) Render(name cases.Template, d Data) (bot.Message, error) {
	t, ok := r.sets[name]
	if !ok {
		return bot.Message{}, fmt.Errorf("render %q: %w", name, ErrUnknownTemplate)
	}
	d.Extra = onlyKeys(d.Extra, r.keys[name])
	if d.TierLabel == "" {
		d.TierLabel = r.tierLabel(d.Case.Tier)
	}
	if d.Link == "" {
		d.Link = string(r.caseLink(d.Case.Number))
	}
	body, err := execute(t, string(name), d)
	if err != nil {
		return bot.Message{}, fmt.Errorf("render %q: %w", name, err)
	}
	body, links := ownLinks(body)
	m, err := assemble(body, d.Link)
	if err != nil {
		return bot.Message{}, fmt.Errorf("render %q: %w", name, err)
	}
	m.Links = links
	if t.Lookup("actions") != nil {
		out, err := execute(t, "actions", d)
		if err != nil {
			return bot.Message{}, fmt.Errorf("render %q actions: %w", name, err)
		}
		out, _ = ownLinks(out) // a button's URL is a link by where it stands
		if m.Actions, err = parseActions(out, d.Case.Number); err != nil {
			return bot.Message{}, fmt.Errorf("render %q actions: %w", name, err)
		}
	}
	m.Kind = defaultKind(m.Actions)
	if t.Lookup("kind") != nil {
		out, err := execute(t, "kind", d)
		if err != nil {
			return bot.Message{}, fmt.Errorf("render %q kind: %w", name, err)
		}
		if m.Kind, err = parseKind(out); err != nil {
			return bot.Message{}, fmt.Errorf("render %q kind: %w", name, err)
		}
	}
	m.Template = string(name)
	m.CaseNumber = d.Case.Number
	return m, nil
}

func execute(t *template.Template, name string, d Data) (string, error) {
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

type source struct {
	text string
	from string // where it was read, for errors
}

// readSources reads messages/*.tmpl from fsys, then lets overrideDir's
// files of the same layout replace or add to them.
func readSources(fsys fs.FS, overrideDir string) (map[cases.Template]source, error) {
	out := make(map[cases.Template]source)
	if err := readDir(fsys, "embedded", out); err != nil {
		return nil, err
	}
	if overrideDir != "" {
		if _, err := os.Stat(overrideDir); err != nil {
			return nil, fmt.Errorf("render: template override directory: %w", err)
		}
		if err := readDir(os.DirFS(overrideDir), overrideDir, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func readDir(fsys fs.FS, origin string, out map[cases.Template]source) error {
	files, err := fs.Glob(fsys, dir+"/*"+ext)
	if err != nil {
		return fmt.Errorf("render: list %s templates: %w", origin, err)
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return fmt.Errorf("render: read %s %s: %w", origin, f, err)
		}
		name := cases.Template(strings.TrimSuffix(path.Base(f), ext))
		out[name] = source{text: string(b), from: origin + ":" + f}
	}
	return nil
}
