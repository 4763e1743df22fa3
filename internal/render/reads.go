package render

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
)

// ErrUnknownField is a template that reads a key of Extra its data does
// not have.
var ErrUnknownField = errors.New("reads a field its data does not have")

// checkReads refuses a template set that reads .Extra.<key> (or
// $.Extra.<key>) for a key not in keys, wherever it stands, so a branch
// the sample does not take is checked too. A read through a variable or
// a with block is left to the try on the sample.
func checkReads(t *template.Template, keys []string) error {
	var unknown []string
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Root == nil {
			continue
		}
		walk(tt.Root, func(idents []string) {
			if len(idents) >= 2 && idents[0] == "Extra" && !slices.Contains(keys, idents[1]) && !slices.Contains(unknown, idents[1]) {
				unknown = append(unknown, idents[1])
			}
		})
	}
	if len(unknown) == 0 {
		return nil
	}
	return fmt.Errorf("%w: .Extra.%s (it has: %s)", ErrUnknownField, strings.Join(unknown, ", .Extra."), strings.Join(keys, ", "))
}

// walk calls see with the identifiers of every field chain under n:
// [Extra reason] for .Extra.reason and $.Extra.reason.
func walk(n parse.Node, see func([]string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, see)
		}
	case *parse.ActionNode:
		walk(n.Pipe, see)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walk(c, see)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walk(a, see)
		}
	case *parse.FieldNode:
		see(n.Ident)
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			see(n.Ident[1:])
		}
	case *parse.ChainNode:
		walk(n.Node, see)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, see)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, see)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, see)
	case *parse.TemplateNode:
		walk(n.Pipe, see)
	}
}

func walkBranch(b *parse.BranchNode, see func([]string)) {
	walk(b.Pipe, see)
	walk(b.List, see)
	walk(b.ElseList, see)
}
