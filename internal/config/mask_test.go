package config

import (
	"strings"
	"testing"
)

func TestMasked(t *testing.T) {
	t.Parallel()
	keys := key32("k1")
	c, err := Load("", env(map[string]string{
		"JIESU_DATABASE_URL":             "postgres://jiesu:db-pass@db/jiesu",
		"JIESU_REDIS_URL":                "redis://:redis-pass@redis:6379/0",
		"JIESU_SECURITY_ENCRYPTION_KEYS": keys,
		"JIESU_LISTEN":                   ":9999",
	}))
	if err != nil {
		t.Fatal(err)
	}
	li := unitIndex(t, c, "logistics")
	c.Units[li].Chat = UnitChat{Platform: PlatformWeCom, Group: "wr-group", RobotKey: "robot-secret"}

	out, err := c.Masked()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, secret := range []string{"db-pass", "redis-pass", keys[3:], "robot-secret"} {
		if strings.Contains(text, secret) {
			t.Errorf("masked dump shows %q", secret)
		}
	}
	for _, kept := range []string{"listen: :9999", "wr-group", "紧急事项", "logistics", "office-wang", "resolve_by"} {
		if !strings.Contains(text, kept) {
			t.Errorf("masked dump lost %q", kept)
		}
	}
	if c.Units[li].Chat.RobotKey != "robot-secret" || c.Database.URL == MaskedValue {
		t.Error("Masked changed the config itself")
	}

	// The dump is the effective configuration: read back, it equals the
	// original but for the secrets, and empty secrets stay empty.
	back, _, err := parse(out, noEnv)
	if err != nil {
		t.Fatalf("masked dump does not parse: %v", err)
	}
	if back.Database.URL != MaskedValue || back.Units[li].Chat.RobotKey != MaskedValue || back.Units[0].Chat.RobotKey != "" {
		t.Errorf("secrets in the dump: db %q, robot %q, empty robot %q", back.Database.URL, back.Units[li].Chat.RobotKey, back.Units[0].Chat.RobotKey)
	}
	// Compared as dumps: YAML does not keep nil and empty lists apart.
	again, err := back.Masked()
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != text {
		t.Errorf("dump does not round-trip:\n%s\n---\n%s", text, again)
	}
}
