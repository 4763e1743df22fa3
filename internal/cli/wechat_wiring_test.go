package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
)

// serve's own wiring: with no app id the service starts without the
// channel; with one, the callback answers WeChat's URL verification.
func TestServeWiresTheWeChatChannel(t *testing.T) {
	t.Parallel()
	off, err := config.Load("", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	off.Server.DataDir = t.TempDir()
	fake := fakes.NewFakeWeChat(t, clock.Real{})
	on := studentConfig(t, fake)
	for _, c := range []struct {
		name string
		cfg  *config.Config
		want int
	}{{"off", off, http.StatusNotFound}, {"on", on, http.StatusOK}} {
		a, err := build(context.Background(), c.cfg, wiring{log: zap.NewNop()})
		if err != nil {
			t.Fatalf("%s: build: %v", c.name, err)
		}
		rec := httptest.NewRecorder()
		a.web.ServeHTTP(rec, fake.VerifyURL("/wechat/oa", "4711"))
		if rec.Code != c.want || (c.want == http.StatusOK && rec.Body.String() != "4711") {
			t.Errorf("%s: verification = %d %q", c.name, rec.Code, rec.Body.String())
		}
		// The survey page is there either way.
		rec = httptest.NewRecorder()
		a.web.ServeHTTP(rec, httptest.NewRequest("GET", "/survey/v1.x.forged", nil))
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "链接无效") {
			t.Errorf("%s: survey page = %d", c.name, rec.Code)
		}
		a.close()
	}
}
