package render

import (
	"fmt"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode"

	"github.com/jiesu/jiesu/internal/cases"
)

// URL is a link jiesu made itself (a case page, a survey page). A
// template prints it as it is, and the platforms may make it a link; every
// other value a template prints is data, made inert by the renderer, and
// never becomes a link anywhere (see bot.Escaper).
type URL string

// inertFunc is the function the renderer appends to every value a template
// prints, so that no template can forget it.
const inertFunc = "_inert"

// Markers around a URL in the rendered text, so that the renderer can list
// it in Message.Links. Private-use characters: inert strips them from data,
// so data cannot forge one.
const (
	linkOpen  = '\uE000'
	linkClose = '\uE001'
)

// inert is a printed value as the message's lines can carry it: data has
// its line breaks folded into spaces (so it cannot add a title, a
// 标签：值 field or a button), loses control and invisible formatting
// characters (bidirectional overrides, zero-width joins), and a URL is
// marked as jiesu's own.
func inert(v any) string {
	if u, ok := v.(URL); ok {
		if u == "" {
			return ""
		}
		return string(linkOpen) + inertLine(string(u)) + string(linkClose)
	}
	return inertLine(fmt.Sprint(v))
}

// inertLine folds s into one line without control or format characters.
// The control characters are those every text input refuses
// (cases.CleanText); what input allows, tab and newline, and the line and
// paragraph separators break a message's lines and become a space.
func inertLine(s string) string {
	s = cases.CleanText(s)
	if strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case lineBreak(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		case unsafeRune(r):
			continue
		}
		b.WriteRune(r)
		space = r == ' '
	}
	return b.String()
}

func lineBreak(r rune) bool { return r == '\n' || r == '\t' || r == '\u2028' || r == '\u2029' }

// unsafeRune is what CleanText leaves and a message line cannot carry: a
// line break, an invisible format character (bidirectional overrides,
// zero-width spaces) or a link marker.
func unsafeRune(r rune) bool {
	return lineBreak(r) || unicode.Is(unicode.Cf, r) || r == linkOpen || r == linkClose
}

// ownLinks takes the marked URLs out of a rendered text: the text without
// markers, and the URLs it holds.
func ownLinks(s string) (string, []string) {
	if !strings.ContainsRune(s, linkOpen) {
		return s, nil
	}
	var links []string
	var b strings.Builder
	for {
		i := strings.IndexRune(s, linkOpen)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i+len(string(linkOpen)):]
		j := strings.IndexRune(s, linkClose)
		if j < 0 { // cannot happen: inert writes both
			b.WriteString(s)
			break
		}
		links = append(links, s[:j])
		b.WriteString(s[:j])
		s = s[j+len(string(linkClose)):]
	}
	return b.String(), links
}

// InertFuncs is the function MakeInert calls, for a template set that is
// not the Renderer's (the student replies): give it to Funcs before Parse.
func InertFuncs() template.FuncMap { return template.FuncMap{inertFunc: inert} }

// MakeInert makes every value t's templates print inert, as the message
// templates' are: one line, no control or format characters. A template
// set of its own (the student replies) calls it after parsing, with
// InertFuncs given before.
func MakeInert(t *template.Template) { escapeActions(t) }

// escapeActions makes every printing action of t's templates end in
// inert, the way html/template escapes: {{.Case.Place}} runs as
// {{.Case.Place | _inert}}. Assignments print nothing and are left alone.
func escapeActions(t *template.Template) {
	for _, tt := range t.Templates() {
		if tt.Tree != nil {
			escapeNode(tt.Tree, tt.Tree.Root)
		}
	}
}

func escapeNode(tree *parse.Tree, n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			escapeNode(tree, c)
		}
	case *parse.ActionNode:
		p := n.Pipe
		if len(p.Decl) > 0 || escaped(p) {
			return
		}
		id := parse.NewIdentifier(inertFunc).SetTree(tree).SetPos(n.Pos)
		p.Cmds = append(p.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: n.Pos, Args: []parse.Node{id}})
	case *parse.IfNode:
		escapeNode(tree, n.List)
		escapeNode(tree, n.ElseList)
	case *parse.RangeNode:
		escapeNode(tree, n.List)
		escapeNode(tree, n.ElseList)
	case *parse.WithNode:
		escapeNode(tree, n.List)
		escapeNode(tree, n.ElseList)
	}
}

// escaped reports whether a pipeline already ends in inert: templates
// cloned from one root share its trees.
func escaped(p *parse.PipeNode) bool {
	if len(p.Cmds) == 0 {
		return false
	}
	last := p.Cmds[len(p.Cmds)-1]
	id, ok := last.Args[0].(*parse.IdentifierNode)
	return ok && id.Ident == inertFunc
}
