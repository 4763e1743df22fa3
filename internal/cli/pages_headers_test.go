package cli

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
	"github.com/jiesu/jiesu/internal/survey"
)

var stylesheetLink = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`)

// checkPage fetches an HTML page with client and fails unless it carries
// the security headers, holds no inline style or script (which its
// Content-Security-Policy would block), and its stylesheet is served from
// the same server.
func checkPage(t *testing.T, client *http.Client, base, page string) string {
	t.Helper()
	resp, err := client.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s = %d %s", page, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "style-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: Content-Security-Policy %q lacks %s", page, csp, want)
		}
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
		t.Errorf("%s: headers %v", page, resp.Header)
	}
	for _, inline := range []string{"<style", "<script", " style=", " onclick="} {
		if strings.Contains(body, inline) {
			t.Errorf("%s carries %s, which the policy blocks", page, inline)
		}
	}
	m := stylesheetLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s links no stylesheet", page)
	}
	css, err := http.Get(base + m[1])
	if err != nil {
		t.Fatal(err)
	}
	css.Body.Close()
	if css.StatusCode != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Errorf("%s: stylesheet %s = %d %s", page, m[1], css.StatusCode, css.Header.Get("Content-Type"))
	}
	return body
}

func TestPagesSendSecurityHeaders(t *testing.T) {
	t.Parallel()
	t.Run("survey", func(t *testing.T) {
		r := newStudentRig(t, storetest.NewSQLite(t), studentRigOpts{})
		n := r.resolved("oA", "已修复")
		link := survey.NewLinks(studentKeys(t), studentBaseURL).Link(n)
		body := checkPage(t, http.DefaultClient, r.url, r.url+strings.TrimPrefix(link, studentBaseURL))
		if !strings.Contains(body, `name="rating"`) {
			t.Errorf("the survey form is gone:\n%s", body)
		}
	})
	t.Run("wecom case page", func(t *testing.T) {
		storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
			h, base := servedHarness(t, st)
			c := h.complaint("学生公寓5号楼卫生间的灯不亮")
			h.drain()
			ma := newBrowser(t)
			h.fake.SetBrowser(userMa)
			body := checkPage(t, ma.client, base, base+"/wecom/cases/"+c.Number)
			if !strings.Contains(body, `value="accept"`) {
				t.Errorf("the page lost its forms:\n%s", body)
			}
		})
	})
}
