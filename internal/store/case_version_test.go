package store_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// Every write that moves a case's version makes the case due for the
// sweep's next look, or the sweep would go on waiting for a step a moved
// deadline, a return or a re-dispatch has changed. Each writer parks the
// case's cursor a year ahead first, and must bring it back.
func TestVersionBumpsMakeTheCaseDue(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		old := keyring(t, "k1")
		c := dispatched(t, s, func(in *cases.Intake) {
			in.Complainant.NameSealed = seal(t, old, "张三")
		})
		park := func(c cases.Case) {
			t.Helper()
			err := s.Sweep(ctx, func(tx *store.SweepTx) error {
				return tx.SetNext(ctx, []store.SLANext{{CaseID: c.ID, Version: c.Version, At: at(365 * 24 * time.Hour)}})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		due := func() bool {
			t.Helper()
			var n int
			err := s.Sweep(ctx, func(tx *store.SweepTx) error {
				cs, err := tx.DueCases(ctx, at(time.Hour), 10)
				n = len(cs)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return n == 1
		}
		park(c)
		if due() {
			t.Fatal("a case parked a year ahead is due now")
		}
		c = storetest.Transition(t, s, c, storetest.Handler("logistics", "ma"), cases.Command{Action: cases.ActionAccept}, at(time.Minute))
		if !due() {
			t.Error("after a transition (ApplyOutcome) the case is not due")
		}
		park(c)
		if _, err := s.Reseal(ctx, keyring(t, "k2", "k1"), 10); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetCase(ctx, c.ID); err != nil || got.Version == c.Version {
			t.Fatalf("reseal left the case at version %d (%v); the test needs it moved", got.Version, err)
		}
		if !due() {
			t.Error("after a reseal the case is not due")
		}
	})
}

// The store writes a case only through updateCase, which makes it due
// for the sweep; the sweep's own cursor is the one other UPDATE of cases.
// A new statement that bumps a case's version some other way fails here
// rather than leaving an escalation unsent.
func TestOnlyUpdateCaseUpdatesCases(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	update := regexp.MustCompile(`(?i)\bUPDATE\s+cases\b`)
	cursor := regexp.MustCompile(`(?i)\bUPDATE\s+cases\s+SET\s+sla_next_at\s*=`)
	bump := regexp.MustCompile(`(?i)\bversion\s*=\s*version\b`)
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			if name == "case_version.go" && update.MatchString(s) {
				found++
				return true
			}
			if update.MatchString(s) && !cursor.MatchString(s) {
				t.Errorf("%s: an UPDATE of cases not written with updateCase: %q", fset.Position(lit.Pos()), s)
			}
			if bump.MatchString(s) && name != "reseal.go" {
				t.Errorf("%s: a version bump outside updateCase's callers: %q", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
	if found != 1 {
		t.Errorf("case_version.go has %d UPDATE of cases, want updateCase's one", found)
	}
}
