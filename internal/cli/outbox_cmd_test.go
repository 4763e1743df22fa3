package cli

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// The dead-letter round as an operator runs it: list, retry one, retry the
// rest, drop, each audited under the operator's login.
func TestOutboxCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	env := map[string]string{"JIESU_DATA_DIR": dir, "USER": "ops"}
	if code, _, errs := run(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	st, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(dir, "jiesu.db")})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-time.Hour)
	c := storetest.Create(t, st, storetest.NewCase(t, t0, "logistics"))
	storetest.Create(t, st, storetest.NewCase(t, t0, "logistics"))
	items, err := st.ClaimOutbox(ctx, t0.Add(time.Minute), time.Hour, 100)
	if err != nil || len(items) < 2 {
		t.Fatalf("claim: %v, %v", items, err)
	}
	for _, it := range items {
		if err := st.MarkDead(ctx, it.ID, it.Attempts, "40003 invalid openid\x1b[2J\t伪造列", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	_ = st.Close()
	first := strconv.FormatInt(items[0].ID, 10)

	code, out, errs := run(t, env, "outbox", "list", "--case", c.Number)
	if code != 0 || !strings.HasPrefix(out, "ID ") || strings.Count(out, "\n") != 2 || !strings.Contains(out, "dead") {
		t.Fatalf("outbox list --case: exit %d, %q %q", code, out, errs)
	}
	if strings.ContainsAny(out, "\x1b\t") || !strings.Contains(out, `\x1b[2J\t伪造列`) {
		t.Errorf("the platform's error text is not quoted: %q", out)
	}
	if code, out, _ = run(t, env, "outbox", "list"); code != 0 || strings.Count(out, "\n") != len(items)+1 {
		t.Errorf("outbox list: exit %d, %q", code, out)
	}

	if code, out, errs = run(t, env, "outbox", "retry", first, "--note", "openid 已更正"); code != 0 || !strings.Contains(out, "message "+first) {
		t.Fatalf("retry: exit %d, %q %q", code, out, errs)
	}
	if code, _, errs = run(t, env, "outbox", "retry", first); code != 1 || !strings.Contains(errs, "is pending") {
		t.Errorf("second retry: exit %d, %q", code, errs)
	}
	if code, out, errs = run(t, env, "outbox", "retry", "--all-dead", "--since", "2000-01-01"); code != 0 || !strings.HasPrefix(out, strconv.Itoa(len(items)-1)+" dead messages") {
		t.Errorf("retry --all-dead: exit %d, %q %q", code, out, errs)
	}
	if code, out, errs = run(t, env, "outbox", "drop", first); code != 0 || out != "dropped message "+first+"\n" {
		t.Errorf("drop: exit %d, %q %q", code, out, errs)
	}
	if code, out, _ = run(t, env, "outbox", "list", "--state", "dropped"); code != 0 || strings.Count(out, "\n") != 2 {
		t.Errorf("list dropped: exit %d, %q", code, out)
	}

	st, err = store.Open(ctx, store.Options{SQLitePath: filepath.Join(dir, "jiesu.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	evs, err := st.OutboxEvents(ctx, items[0].ID)
	if err != nil || len(evs) != 2 || evs[0].Actor != "cli:ops" || evs[0].Note != "openid 已更正" || evs[1].Action != store.OutboxActionDrop {
		t.Errorf("audit %+v, %v", evs, err)
	}
}

func TestOutboxCommandsRefuseBadInput(t *testing.T) {
	t.Parallel()
	env := map[string]string{"JIESU_DATA_DIR": t.TempDir()}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"outbox"}, 2, "Usage"},
		{[]string{"outbox", "resend", "1"}, 2, "Usage"},
		{[]string{"outbox", "retry"}, 2, "Usage"},
		{[]string{"outbox", "retry", "1", "--all-dead"}, 2, "Usage"},
		{[]string{"outbox", "drop", "１２"}, 1, "not a whole number"},
		{[]string{"outbox", "drop", "12; DROP TABLE outbox"}, 1, "not a whole number"},
		{[]string{"outbox", "retry", "999"}, 1, "not found"},
		{[]string{"outbox", "list", "--state", "lost"}, 1, `--state "lost"`},
		{[]string{"outbox", "list", "--since", "昨天"}, 1, "--since"},
		{[]string{"outbox", "list", "--limit", "0"}, 1, "--limit"},
		{[]string{"outbox", "list", "--case", "JS-<b>不存在</b>"}, 1, "not found"},
		{[]string{"migrate", "--state", "dead"}, 2, "--state belong to jiesu outbox"},
		{[]string{"outbox", "drop", "1", "--note", "退格\b"}, 1, "--note: must not contain control characters"},
	} {
		if code, _, errs := run(t, env, c.args...); code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, %q; want %d with %q", c.args, code, errs, c.code, c.want)
		}
	}
}
