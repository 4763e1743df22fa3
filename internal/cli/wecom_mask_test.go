package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// The complainant (张三, as the harness registers them) typed their name
// and their phone, dashed, into the complaint: the unit's group notice, its
// card and the case page show both masked; the text as typed reaches only
// the member who accepted, privately, and the page after a logged reveal.
func TestWeComShowsTypedNameAndPhoneMasked(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		ts := httptest.NewUnstartedServer(nil)
		base := "http://" + ts.Listener.Addr().String()
		h := newHarness(t, st, func(c *config.Config) { c.Server.BaseURL = base })
		ts.Config.Handler = h.web
		ts.Start()
		t.Cleanup(ts.Close)

		const typed, masked = "我是张三，电话138-1234-5678，5号楼312灯不亮", "我是张*，电话138****5678，5号楼312灯不亮"
		clear := []string{"张三", "1234-5678", "13812345678"}
		leaks := func(what, shown string) {
			t.Helper()
			for _, p := range clear {
				if strings.Contains(shown, p) {
					t.Errorf("%s shows %q: %s", what, p, shown)
				}
			}
		}
		c := h.complaint(typed)
		h.drain()
		posts := h.fake.RobotPosts(robotLogistics)
		if len(posts) != 1 {
			t.Fatalf("group notices = %+v", posts)
		}
		// Markdown shows a mask's stars as their full-width look-alike, which
		// no client reads as emphasis (docs/security.md).
		if md := strings.ReplaceAll(masked, "*", "＊"); !strings.Contains(posts[0].Content, md) {
			t.Errorf("group notice = %s, want the text as %q", posts[0].Content, md)
		}
		leaks("the group notice", posts[0].Content)
		card, ok := h.card(userMa, c.Number, "accept")
		if !ok {
			t.Fatal("no card reached 马超")
		}
		raw, _ := json.Marshal(card.Card)
		if !strings.Contains(string(raw), "138****5678") {
			t.Errorf("the card does not quote the text masked: %s", raw)
		}
		leaks("the card", string(raw))

		page := base + "/wecom/cases/" + c.Number
		ma := newBrowser(t)
		h.fake.SetBrowser(userMa)
		code, body := ma.do(http.MethodGet, page, nil)
		if code != http.StatusOK || !strings.Contains(body, masked) {
			t.Errorf("page: %d, want the text as %q:\n%s", code, masked, body)
		}
		leaks("the page", body)

		if code, body = ma.do(http.MethodPost, page, url.Values{"action": {"accept"}}); code != http.StatusOK {
			t.Fatalf("accept: %d %s", code, body)
		}
		leaks("the page after 接单", body)
		h.drain()
		for _, p := range h.fake.RobotPosts(robotLogistics) {
			leaks("a group notice", p.Content)
		}
		private, ok := h.card(userMa, c.Number, "contact")
		if !ok {
			t.Fatal("no private card with the next steps")
		}
		if raw, _ := json.Marshal(private.Card); !strings.Contains(string(raw), `"张三"`) {
			t.Errorf("the accepting member's own card lacks the name: %s", raw)
		}
		const more = "张三补充：白天打138 1234 5678"
		if _, err := h.svc.Act(context.Background(), cases.SystemActor(), c.Number, cases.Command{Action: cases.ActionSupplement, Note: more}, ""); err != nil {
			t.Fatal(err)
		}
		if code, body = ma.do(http.MethodPost, page, url.Values{"action": {"reveal"}}); code != http.StatusOK || !strings.Contains(body, typed) || !strings.Contains(body, more) {
			t.Errorf("page after reveal: %d, want the text and the supplement as typed:\n%s", code, body)
		}
	})
}
