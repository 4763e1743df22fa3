package service

import (
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/secret"
)

// The timeline's own data (deadlines, ids) is not read as typed text: the
// nanoseconds of a deadline once came out as 190****7751. What people typed
// (a reason, a result) is masked.
func TestTimelineMasksOnlyWhatPeopleTyped(t *testing.T) {
	t.Parallel()
	spec, err := secret.GenerateKey("t")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.ParseKeyring(spec)
	if err != nil {
		t.Fatal(err)
	}
	name, err := keys.Seal("张三")
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{keys: keys, mask: secret.TextMask{}}
	const due = "2026-12-08T10:30:19.084777751+08:00"
	c := cases.Case{Number: "JS20261208-0001", Complainant: cases.Complainant{NameSealed: name}}
	evs, err := s.shownEvents(c, []cases.Event{
		{Kind: "dispatch", Data: map[string]any{"contact_by": due, "resolve_by": due, "unit": "logistics"}},
		{Kind: "return", Note: "张三说13800138000", Data: map[string]any{"reason": "已致电张三13800138000"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := evs[0].Data["contact_by"]; got != due {
		t.Errorf("contact_by = %v, want %s as stored", got, due)
	}
	if got := evs[1].Data["reason"].(string); strings.Contains(got, "13800138000") || strings.Contains(got, "张三") {
		t.Errorf("reason = %q: the typed phone or name shows", got)
	}
	if strings.Contains(evs[1].Note, "13800138000") {
		t.Errorf("note = %q", evs[1].Note)
	}
}
