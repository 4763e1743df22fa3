package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/storetest"
	"github.com/jiesu/jiesu/templates"
)

// server.templates_dir replaces an embedded message template with the
// school's own, and a broken one stops the start.
func TestTemplatesDirReplacesAMessage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "messages"), 0o755); err != nil {
		t.Fatal(err)
	}
	embedded, err := templates.FS.ReadFile("messages/case_dispatched.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	own := strings.Replace(string(embedded), "新诉求", "本校新诉求", 1)
	if own == string(embedded) {
		t.Fatal("the embedded template no longer says 新诉求; change the test's marker")
	}
	if err := os.WriteFile(filepath.Join(dir, "messages", "case_dispatched.tmpl"), []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, storetest.NewSQLite(t), func(c *config.Config) { c.Server.TemplatesDir = dir })
	c := h.complaint("学生公寓1号楼水管漏水")
	h.drain()
	posts := h.fake.RobotPosts(robotLogistics)
	if len(posts) != 1 || !strings.Contains(posts[0].Content, "本校新诉求") || !strings.Contains(posts[0].Content, c.Number) {
		t.Errorf("group notice with the school's template: %+v", posts)
	}

	if err := os.WriteFile(filepath.Join(dir, "messages", "case_dispatched.tmpl"), []byte("{{.Nope"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load("", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.DataDir, cfg.Server.TemplatesDir = t.TempDir(), dir
	if a, err := build(context.Background(), cfg, wiring{store: storetest.NewSQLite(t)}); err == nil {
		a.close()
		t.Error("a broken template in server.templates_dir did not stop the start")
	}
}
