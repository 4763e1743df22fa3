package config

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func loadEnv(m map[string]string) (*Config, error) {
	return LoadEnv("", env(m), slices.Collect(maps.Keys(m)))
}

func TestUnknownEnvIsRefused(t *testing.T) {
	t.Parallel()
	_, err := loadEnv(map[string]string{
		"JIESU_OUTBOX_MAX_ATEMPTS":      "3",
		"JIESU_UNITS_NO_SUCH_UNIT_NAME": "不存在的单位",
		"JIESU_DATABSE_URL_FILE":        "/run/secrets/db",
		"JIESU_LISTEN":                  ":9090",
	})
	wantErr(t, err,
		"JIESU_OUTBOX_MAX_ATEMPTS: matches no configuration key; did you mean JIESU_OUTBOX_MAX_ATTEMPTS?",
		"JIESU_UNITS_NO_SUCH_UNIT_NAME: matches no configuration key",
		"JIESU_DATABSE_URL_FILE: matches no configuration key; did you mean JIESU_DATABASE_URL_FILE?")
	if strings.Contains(err.Error(), "JIESU_LISTEN") {
		t.Errorf("a known variable was refused: %v", err)
	}
	// An empty one is a typo too: it would be ignored as well.
	_, err = loadEnv(map[string]string{"JIESU_LOG_LEVLE": ""})
	wantErr(t, err, "JIESU_LOG_LEVLE", "JIESU_LOG_LEVEL?")
}

func TestKnownAndForeignEnvAreAccepted(t *testing.T) {
	t.Parallel()
	c := example(t)
	unit := c.Units[0].ID
	vars := map[string]string{
		"JIESU_CONFIG":            "",
		"JIESU_LISTEN":            ":9090",
		"JIESU_SERVER_LISTEN":     "",
		"JIESU_DATABASE_URL_FILE": "",
		"JIESU_UNITS_" + strings.ToUpper(unit) + "_NAME": "后勤",
		"JIESU_TEST_DATABASE_URL":                        "postgres://x",
		"JIESU_REQUIRE_SERVICES":                         "1",
		"JIESU_BENCH_RATE":                               "5",
		// Kubernetes's service links for a Service named jiesu.
		"JIESU_SERVICE_HOST":          "10.0.0.1",
		"JIESU_SERVICE_PORT":          "8080",
		"JIESU_SERVICE_PORT_HTTP":     "8080",
		"JIESU_PORT":                  "tcp://10.0.0.1:8080",
		"JIESU_PORT_8080_TCP":         "tcp://10.0.0.1:8080",
		"JIESU_PORT_8080_TCP_PROTO":   "tcp",
		"JIESU_PORT_8080_TCP_PORT":    "8080",
		"JIESU_PORT_8080_TCP_ADDR":    "10.0.0.1",
		"PATH":                        "/usr/bin",
		"jiesu_lowercase_is_not_ours": "x",
	}
	if _, err := loadEnv(vars); err != nil {
		t.Errorf("refused: %v", err)
	}
	// Load, which cannot list the environment, does not judge names.
	if _, err := Load("", env(map[string]string{"JIESU_OUTBOX_MAX_ATEMPTS": "3"})); err != nil {
		t.Errorf("Load: %v", err)
	}
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	c := example(t)
	if c.Source() != ExampleSource || len(c.Warnings()) != 1 || !strings.Contains(c.Warnings()[0], "built-in example") {
		t.Errorf("example: source %q, warnings %q", c.Source(), c.Warnings())
	}
	c.WeCom.CorpID, c.WeChat.AppID = "ww1", "wx1"
	for _, base := range []string{"http://localhost:8080", "http://127.0.0.1", "https://[::1]:8443/jiesu", "http://0.0.0.0:8080"} {
		c.Server.BaseURL = base
		ws := strings.Join(c.Warnings(), "\n")
		if !strings.Contains(ws, "WeCom is on: the case links on unit cards") || !strings.Contains(ws, "WeChat is on: the case links and satisfaction survey links") {
			t.Errorf("%s: %s", base, ws)
		}
	}
	c.Server.BaseURL = "https://jiesu.example.edu.cn"
	if ws := c.Warnings(); len(ws) != 1 {
		t.Errorf("public base_url: %q", ws)
	}
	c.WeCom.CorpID, c.WeChat.AppID, c.Server.BaseURL = "", "", "http://localhost:8080"
	if ws := c.Warnings(); len(ws) != 1 {
		t.Errorf("no chat platform on: %q", ws)
	}
}

func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	c, err := loadEnv(map[string]string{"JIESU_SERVER_TRUSTED_PROXIES": "10.0.0.0/8， 127.0.0.1, ::ffff:192.168.1.1, fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Server.TrustedProxyRanges()
	if len(got) != 4 || got[0].String() != "10.0.0.0/8" || got[1].String() != "127.0.0.1/32" || got[2].String() != "192.168.1.1/32" || got[3].String() != "fd00::/8" {
		t.Errorf("ranges %v", got)
	}
	_, err = loadEnv(map[string]string{"JIESU_SERVER_TRUSTED_PROXIES": "10.0.0.0/33,负载均衡,http://lb"})
	wantErr(t, err, `server.trusted_proxies: "10.0.0.0/33" is neither`, `"负载均衡"`, `"http://lb"`)
	_, err = loadEnv(map[string]string{"JIESU_SERVER_TRUSTED_PROXIES": "0.0.0.0/0,::/0"})
	wantErr(t, err, `server.trusted_proxies: "0.0.0.0/0" trusts every address`, `"::/0" trusts every address`)
}
