package wecom_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/wecom"
	"github.com/jiesu/jiesu/internal/secret"
)

func TestOAuthSignsMembersIn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	spec, err := secret.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.ParseKeyring(spec)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	oauth, err := wecom.NewOAuth(wecom.OAuthConfig{Client: w.client, CorpID: fakes.FakeWeComCorpID, AgentID: fakes.FakeWeComAgentID,
		OAuthBase: w.fake.URL(), CallbackURL: srv.URL + "/wecom/oauth", Sealer: keys, Clock: w.clock})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("GET /wecom/oauth", oauth)
	mux.HandleFunc("GET /page", func(rw http.ResponseWriter, r *http.Request) {
		user, ok := oauth.User(r)
		if !ok {
			oauth.Login(rw, r)
			return
		}
		fmt.Fprint(rw, "hello "+user)
	})
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	w.fake.SetBrowser("WangWu")
	get := func(url string) (int, string) {
		resp, err := browser.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(srv.URL + "/page?x=1"); code != http.StatusOK || body != "hello WangWu" {
		t.Fatalf("page after sign-in: %d %q", code, body)
	}
	if n := len(w.fake.Calls("auth/getuserinfo")); n != 1 {
		t.Errorf("%d code exchanges", n)
	}
	// The session holds: no second trip through WeCom.
	if code, body := get(srv.URL + "/page"); code != http.StatusOK || body != "hello WangWu" || len(w.fake.Calls("auth/getuserinfo")) != 1 {
		t.Errorf("second visit: %d %q", code, body)
	}
	// A callback without the state cookie (a forged link) is refused.
	if code, _ := get(srv.URL + "/wecom/oauth?code=x&state=y"); code != http.StatusBadRequest {
		// The jar still holds the session but no state cookie: refused.
		t.Errorf("forged oauth return: %d", code)
	}
}
