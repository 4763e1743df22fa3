package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// deadLetter queues one message for a new case and lets it die.
func deadLetter(t *testing.T, b *bundle) (cases.OutboxItem, string) {
	t.Helper()
	ctx := context.Background()
	c := storetest.Create(t, b.store, storetest.NewCase(t, t0, "logistics"))
	items, err := b.store.ClaimOutbox(ctx, t0.Add(time.Minute), time.Hour, 500)
	if err != nil || len(items) == 0 {
		t.Fatalf("claim: %v, %v", items, err)
	}
	for _, it := range items {
		if err := b.store.MarkDead(ctx, it.ID, it.Attempts, "40003 invalid openid <a href=x>", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	return items[0], c.Number
}

func TestDeadLettersOverHTTP(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		it, number := deadLetter(t, b)

		if r := b.must(t, http.StatusOK, "", "GET", "/readyz", nil); r.body["outbox_dead"] != float64(1) {
			t.Errorf("/readyz = %v, want outbox_dead 1", r.body)
		}
		r := b.must(t, http.StatusOK, "office", "GET", "/api/v1/outbox?case="+number, nil)
		msgs, _ := r.body["messages"].([]any)
		if len(msgs) != 1 {
			t.Fatalf("dead letters of %s: %v", number, r.body)
		}
		m := msgs[0].(map[string]any)
		if m["id"] != float64(it.ID) || m["state"] != "dead" || m["last_error"] != "40003 invalid openid <a href=x>" || m["dead_at"] == nil || m["data"] != nil {
			t.Errorf("dead letter %v", m)
		}
		if to, _ := m["to"].(map[string]any); to["kind"] == nil || to["Kind"] != nil {
			t.Errorf("dead letter's to = %v, want snake_case keys as the rest of the API", m["to"])
		}

		// Only the office and admins; bad input changes nothing.
		for _, c := range []struct {
			who, method, path string
			body              any
			status            int
			code              string
		}{
			{"logistics", "GET", "/api/v1/outbox", nil, 403, "forbidden"},
			{"operator", "POST", fmt.Sprintf("/api/v1/outbox/%d/retry", it.ID), nil, 403, "forbidden"},
			{"leader", "POST", fmt.Sprintf("/api/v1/outbox/%d/drop", it.ID), nil, 403, "forbidden"},
			{"logistics", "POST", "/api/v1/outbox/retry-dead", nil, 403, "forbidden"},
			{"", "GET", "/api/v1/outbox", nil, 401, "unauthorized"},
			{"office", "GET", "/api/v1/outbox?state=lost", nil, 400, "bad_query"},
			{"office", "GET", "/api/v1/outbox?since=%E6%98%A8%E5%A4%A9", nil, 400, "bad_query"},
			{"office", "GET", "/api/v1/outbox?limit=501", nil, 400, "bad_query"},
			{"office", "GET", "/api/v1/outbox?case=JS-%E4%B8%8D%E5%AD%98%E5%9C%A8", nil, 404, "not_found"},
			{"office", "POST", "/api/v1/outbox/999999/retry", nil, 404, "not_found"},
			{"office", "POST", "/api/v1/outbox/-1/retry", nil, 404, "not_found"},
			{"office", "POST", "/api/v1/outbox/1%202/retry", nil, 404, "not_found"},
			{"office", "POST", fmt.Sprintf("/api/v1/outbox/%d/resend", it.ID), nil, 404, "unknown_action"},
			{"office", "POST", fmt.Sprintf("/api/v1/outbox/%d/retry", it.ID), `{"note":"x","force":true}`, 400, "unknown_field"},
			{"office", "POST", fmt.Sprintf("/api/v1/outbox/%d/retry", it.ID), map[string]string{"since": "2026-11-28"}, 422, "invalid"},
			{"office", "POST", "/api/v1/outbox/retry-dead", map[string]string{"since": "上周"}, 422, "invalid"},
			{"office", "POST", fmt.Sprintf("/api/v1/outbox/%d/retry", it.ID), map[string]string{"note": "响铃\u0007"}, 422, "invalid"},
			{"office", "POST", fmt.Sprintf("/api/v1/outbox/%d/drop", it.ID), map[string]string{"note": strings.Repeat("长", 10001)}, 422, "invalid"},
			{"office", "GET", "/api/v1/outbox?stat=dead", nil, 400, "bad_query"},
			{"office", "POST", "/api/v1/outbox/retry-dead", map[string]string{"note": "\x00"}, 422, "invalid"},
		} {
			before := b.snapshot(t)
			if r := b.call(t, c.who, c.method, c.path, c.body); r.status != c.status || r.code() != c.code {
				t.Errorf("%s %s as %q: %d %s, want %d %s (%v)", c.method, c.path, c.who, r.status, r.code(), c.status, c.code, r.body)
			}
			if after := b.snapshot(t); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("%s %s as %q changed the store", c.method, c.path, c.who)
			}
		}

		note := "已核实 openid <script>alert(1)</script> @所有人 138-0013 8000\n" + strings.Repeat("长", 9900)
		b.must(t, http.StatusOK, "office", "POST", fmt.Sprintf("/api/v1/outbox/%d/retry", it.ID), map[string]string{"note": note})
		if r := b.call(t, "office", "POST", fmt.Sprintf("/api/v1/outbox/%d/retry", it.ID), nil); r.status != http.StatusConflict || r.code() != "wrong_state" {
			t.Errorf("second retry: %d %v", r.status, r.body)
		}
		evs, err := st.OutboxEvents(context.Background(), it.ID)
		if err != nil || len(evs) != 1 || evs[0].Actor != b.member["office"] || evs[0].Note != note || !evs[0].At.Equal(t0) {
			t.Errorf("audit %+v, %v", evs, err)
		}
		if r := b.must(t, http.StatusOK, "", "GET", "/readyz", nil); r.body["outbox_dead"] != float64(0) {
			t.Errorf("/readyz after retry = %v", r.body)
		}
		b.must(t, http.StatusOK, "office", "POST", fmt.Sprintf("/api/v1/outbox/%d/drop", it.ID), nil)
		r = b.must(t, http.StatusOK, "office", "GET", "/api/v1/outbox?state=dropped", nil)
		if msgs, _ := r.body["messages"].([]any); len(msgs) != 1 {
			t.Errorf("dropped: %v", r.body)
		}
	})
}

func TestRetryAllDeadOverHTTP(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st)
		first, _ := deadLetter(t, b)
		r := b.must(t, http.StatusOK, "office", "POST", "/api/v1/outbox/retry-dead", map[string]string{"since": "2026-11-29"})
		if ids, _ := r.body["retried"].([]any); len(ids) != 0 {
			t.Errorf("retried since tomorrow: %v", r.body)
		}
		r = b.must(t, http.StatusOK, "office", "POST", "/api/v1/outbox/retry-dead", nil)
		if ids, _ := r.body["retried"].([]any); len(ids) == 0 || ids[0] != float64(first.ID) {
			t.Errorf("retried all: %v", r.body)
		}
		if r := b.must(t, http.StatusOK, "office", "GET", "/api/v1/outbox", nil); len(r.body["messages"].([]any)) != 0 {
			t.Errorf("dead after retrying all: %v", r.body)
		}
	})
}
