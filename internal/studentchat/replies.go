package studentchat

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/secret"
)

// ErrUnknownReply is a reply with no template.
var ErrUnknownReply = errors.New("unknown reply template")

// replyNames are the replies the conversation gives; each must exist.
var replyNames = []string{
	"welcome", "help", "report_guide", "receipt", "supplemented", "supplement_prompt", "no_open_case",
	"phone_bound", "anonymous", "list", "detail", "not_found", "withdrawn", "cannot_withdraw",
	"rated", "nothing_to_rate", "too_long",
}

// labelNames are the words the conversation takes from
// labels_student.tmpl; each must exist.
var labelNames = []string{
	"what.text", "what.image", "what.voice", "what.location",
	"content.image", "content.voice", "content.location",
	"note.anonymous", "note.no_answer", "note.withdraw",
}

// Replies renders the conversation's replies from templates/student (and
// the labels of templates/messages/labels.tmpl), parsed once.
type Replies struct {
	t      *template.Template
	labels map[string]string
	names  Names
	policy cases.Policy
}

// Names are the configured names the replies show: units by id, and tier
// labels that override labels.tmpl (tiers.*.label); and the supplement
// window the receipt and the help promise (wechat.supplement_window).
type Names struct {
	Units            map[string]string
	TierLabels       map[cases.Tier]string
	SupplementWindow time.Duration
	// Mask is the rule for personal data in text (security.student_number).
	Mask secret.TextMask
}

// NewReplies parses student/*.tmpl from fsys (templates.Student) and
// messages/labels.tmpl from labelsFS (templates.FS), now, so that a broken
// reply stops the start. policy gives the windows the receipt promises.
func NewReplies(fsys, labelsFS fs.FS, names Names, policy cases.Policy) (*Replies, error) {
	if names.SupplementWindow < time.Minute {
		// The replies promise it in minutes; less would read as nothing.
		return nil, fmt.Errorf("replies: supplement window %v: want a minute or more", names.SupplementWindow)
	}
	r := &Replies{names: names, policy: policy, labels: map[string]string{}}
	root := template.New("").Option("missingkey=zero").Funcs(template.FuncMap{
		"label":            r.label,
		"unitName":         r.unitName,
		"shanghai":         shanghai,
		"within":           r.within,
		"supplementWindow": func() string { return r.duration(r.names.SupplementWindow) },
		"summary":          r.summary,
	}).Funcs(render.InertFuncs())
	labels, err := fs.ReadFile(labelsFS, "messages/labels.tmpl")
	if err != nil {
		return nil, fmt.Errorf("replies: %w", err)
	}
	if _, err := root.New("labels").Parse(string(labels)); err != nil {
		return nil, fmt.Errorf("replies: labels: %w", err)
	}
	files, err := fs.Glob(fsys, "student/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("replies: %w", err)
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("replies: %w", err)
		}
		if _, err := root.New(strings.TrimSuffix(path.Base(f), ".tmpl")).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("replies: parse %s: %w", f, err)
		}
	}
	for _, t := range root.Templates() {
		if name := t.Name(); strings.Contains(name, ".") {
			var b bytes.Buffer
			if err := root.ExecuteTemplate(&b, name, nil); err != nil {
				return nil, fmt.Errorf("replies: label %s: %w", name, err)
			}
			r.labels[name] = strings.TrimSpace(b.String())
		}
	}
	render.MakeInert(root)
	r.t = root
	for _, name := range replyNames {
		if r.t.Lookup(name) == nil {
			return nil, fmt.Errorf("replies: student/%s.tmpl: %w", name, ErrUnknownReply)
		}
	}
	for _, name := range labelNames {
		if r.labels[name] == "" {
			return nil, fmt.Errorf("replies: label %s: %w", name, ErrUnknownReply)
		}
	}
	return r, nil
}

// Render renders reply name with data: trimmed lines, blank ones dropped.
func (r *Replies) Render(name string, data any) (string, error) {
	if r.t.Lookup(name) == nil {
		return "", fmt.Errorf("reply %q: %w", name, ErrUnknownReply)
	}
	var b bytes.Buffer
	if err := r.t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("reply %q: %w", name, err)
	}
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n"), nil
}

func (r *Replies) label(kind string, code any) string {
	c := fmt.Sprint(code)
	if l, ok := r.labels[kind+"."+c]; ok {
		return l
	}
	return c
}

func (r *Replies) unitName(id string) string {
	if n := r.names.Units[id]; n != "" {
		return n
	}
	return id
}

func (r *Replies) tierLabel(t cases.Tier) string {
	if l := r.names.TierLabels[t]; l != "" {
		return l
	}
	return r.label("tier", t)
}

// within is a tier's resolve window in words, as the promise of the
// receipt says it: 2小时, 24小时, 5天.
func (r *Replies) within(t cases.Tier) string {
	tp, ok := r.policy.Tiers[t]
	if !ok || tp.ResolveWithin <= 0 {
		return ""
	}
	return r.duration(tp.ResolveWithin)
}

// duration writes d in days (from two whole days on), else hours and
// minutes, in the labels' words: 5天, 2小时, 1小时30分钟.
func (r *Replies) duration(d time.Duration) string {
	if d >= 48*time.Hour && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + r.label("duration", "day")
	}
	var b strings.Builder
	if h := int(d / time.Hour); h > 0 {
		b.WriteString(strconv.Itoa(h) + r.label("duration", "hour"))
	}
	if m := int(d % time.Hour / time.Minute); m > 0 {
		b.WriteString(strconv.Itoa(m) + r.label("duration", "minute"))
	}
	return b.String()
}

var shanghaiZone = cases.Shanghai()

func shanghai(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(shanghaiZone).Format("2006-01-02 15:04")
}

// summary quotes a student's own text back as every other message quotes
// it (secret.TextMask), on one line, cut to n runes.
func (r *Replies) summary(n int, s string) string {
	out := []rune(strings.Join(strings.Fields(r.names.Mask.Text(s)), " "))
	if len(out) > n {
		return string(out[:n]) + "…"
	}
	return string(out)
}
