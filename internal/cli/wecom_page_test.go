package cli

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// browser is a member's WeCom opening pages: it keeps cookies and follows
// redirects, through the fake's OAuth page.
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, client: &http.Client{Jar: jar}}
}

func (b *browser) do(method, u string, form url.Values) (int, string) {
	b.t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = b.client.PostForm(u, form)
	} else {
		resp, err = b.client.Get(u)
	}
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// servedHarness is a harness behind a real listener whose address is the
// configured base URL, so the links in its messages open its pages.
func servedHarness(t *testing.T, st *store.Store) (*harness, string) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	h := newHarness(t, st, func(c *config.Config) { c.Server.BaseURL = base })
	ts.Config.Handler = h.web
	ts.Start()
	t.Cleanup(ts.Close)
	return h, base
}

func TestWeComCasePage(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h, base := servedHarness(t, st)
		c := h.complaint("学生公寓5号楼卫生间的灯不亮")
		h.drain()
		card, ok := h.card(userMa, c.Number, "accept")
		if !ok || card.Card.CardAction == nil {
			t.Fatal("no card with a link")
		}
		page := card.Card.CardAction.URL
		if page != base+"/wecom/cases/"+c.Number {
			t.Fatalf("the card links %s", page)
		}

		ma := newBrowser(t)
		h.fake.SetBrowser(userMa)
		code, body := ma.do(http.MethodGet, page, nil)
		if code != http.StatusOK || !strings.Contains(body, "诉求 "+c.Number) || !strings.Contains(body, `value="accept"`) {
			t.Fatalf("page: %d\n%s", code, body)
		}
		if strings.Contains(body, "13812345678") {
			t.Error("the page shows the phone before anyone accepted")
		}
		step := func(action, text string) string {
			t.Helper()
			code, body := ma.do(http.MethodPost, page, url.Values{"action": {action}, "text": {text}})
			if code != http.StatusOK {
				t.Fatalf("%s: %d %s", action, code, body)
			}
			return body
		}
		if body := step("accept", ""); !strings.Contains(body, "已接单 "+c.Number) {
			t.Fatalf("after 接单:\n%s", body)
		}
		if body := step("reveal", ""); !strings.Contains(body, "13812345678") || !strings.Contains(body, "张三") {
			t.Fatalf("reveal:\n%s", body)
		}
		step("contact", "已电话联系，今晚修")
		if body := step("resolve", " "); !strings.Contains(body, "请回复：办结") {
			t.Fatalf("办结 without a result:\n%s", body)
		}
		if got := h.get(c.Number); got.State != cases.StateContacted {
			t.Fatalf("after contact and an empty 办结: %s", got.State)
		}
		step("resolve", "已更换灯管")
		if got := h.get(c.Number); got.State != cases.StateFeedbackGiven || got.Result != "已更换灯管" {
			t.Fatalf("after 办结: %s %q", got.State, got.Result)
		}
		reveals := 0
		for _, e := range h.events(c) {
			if e.Kind == "reveal" {
				reveals++
			}
		}
		if reveals != 2 {
			t.Errorf("%d reveals logged, want the acceptance's and the page's", reveals)
		}

		// Another unit's member and a stranger see nothing.
		xu := newBrowser(t)
		h.fake.SetBrowser(userXu)
		if code, body := xu.do(http.MethodGet, page, nil); code != http.StatusForbidden || strings.Contains(body, "卫生间") {
			t.Errorf("another unit: %d %s", code, body)
		}
		evs := h.events(c)
		if last := evs[len(evs)-1]; last.Kind != service.EventRefused || last.Actor != "dorm-xu" {
			t.Errorf("the refused look is not on record: %+v", last)
		}
		visitor := newBrowser(t)
		h.fake.SetBrowser(userVisitor)
		if code, _ := visitor.do(http.MethodGet, page, nil); code != http.StatusForbidden {
			t.Errorf("a stranger: %d", code)
		}
	})
}
