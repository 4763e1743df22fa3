package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestEnvOverrides(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		env   map[string]string
		check func(c *Config) bool
	}{
		{"string", map[string]string{"JIESU_DATABASE_URL": "postgres://u:p@db/jiesu", "JIESU_SECURITY_ENCRYPTION_KEYS": key32("k1")},
			func(c *Config) bool { return c.Database.URL == "postgres://u:p@db/jiesu" }},
		{"int", map[string]string{"JIESU_OUTBOX_MAX_ATTEMPTS": "3"},
			func(c *Config) bool { return c.Outbox.MaxAttempts == 3 }},
		{"int64", map[string]string{"JIESU_SERVER_MAX_BODY_BYTES": " 2048 "},
			func(c *Config) bool { return c.Server.MaxBodyBytes == 2048 }},
		{"duration", map[string]string{"JIESU_TIERS_URGENT_RESOLVE_WITHIN": "90m"},
			func(c *Config) bool { return c.Tiers.Urgent.ResolveWithin == 90*time.Minute }},
		{"*bool", map[string]string{"JIESU_DISPATCH_AUTO": "false"},
			func(c *Config) bool { return !c.AutoDispatch() }},
		{"[]string with both commas", map[string]string{"JIESU_ROUTING_PLACES": "北门, 南门，,西门"},
			func(c *Config) bool { return slices.Equal(c.Routing.Places, []string{"北门", "南门", "西门"}) }},
		{"tier label", map[string]string{"JIESU_TIERS_GENERAL_LABEL": "其他事项"},
			func(c *Config) bool { return c.TierLabel("general") == "其他事项" }},
		{"JIESU_LISTEN", map[string]string{"JIESU_LISTEN": ":9090"},
			func(c *Config) bool { return c.Server.Listen == ":9090" }},
		{"JIESU_DATA_DIR", map[string]string{"JIESU_DATA_DIR": "/var/lib/jiesu"},
			func(c *Config) bool { return c.Server.DataDir == "/var/lib/jiesu" }},
		{"long alias of JIESU_LISTEN", map[string]string{"JIESU_SERVER_LISTEN": ":7070"},
			func(c *Config) bool { return c.Server.Listen == ":7070" }},
		{"empty counts as unset", map[string]string{"JIESU_OUTBOX_BATCH": "", "JIESU_LOG_LEVEL": ""},
			func(c *Config) bool { return c.Outbox.Batch == DefaultOutboxBatch && c.Log.Level == "info" }},
		{"env beats the file and the default", map[string]string{"JIESU_LOG_FORMAT": "console", "JIESU_DATABASE_MAX_CONNS": "4"},
			func(c *Config) bool { return c.Log.Format == "console" && c.Database.MaxConns == 4 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load("", env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("override %v not applied", tt.env)
			}
		})
	}
}

func TestEnvSecretFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "db_url")
	if err := os.WriteFile(file, []byte("postgresql://jiesu:pw@db/jiesu\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load("", env(map[string]string{"JIESU_DATABASE_URL_FILE": file, "JIESU_SECURITY_ENCRYPTION_KEYS": key32("k1")}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Database.URL != "postgresql://jiesu:pw@db/jiesu" {
		t.Errorf("database.url = %q, want the file's contents without the newline", c.Database.URL)
	}

	// _FILE is for secrets only: a plain key ignores it.
	c, err = Load("", env(map[string]string{"JIESU_LOG_LEVEL_FILE": file}))
	if err != nil || c.Log.Level != "info" {
		t.Errorf("JIESU_LOG_LEVEL_FILE was read: %q, %v", c.Log.Level, err)
	}
}

func TestEnvErrors(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(file, []byte("postgres://x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"secret and its file", map[string]string{"JIESU_DATABASE_URL": "postgres://y", "JIESU_DATABASE_URL_FILE": file},
			[]string{"JIESU_DATABASE_URL and JIESU_DATABASE_URL_FILE are both set"}},
		{"short and long name", map[string]string{"JIESU_LISTEN": ":1", "JIESU_SERVER_LISTEN": ":2"},
			[]string{"JIESU_LISTEN and JIESU_SERVER_LISTEN are both set"}},
		{"missing file", map[string]string{"JIESU_REDIS_URL_FILE": filepath.Join(t.TempDir(), "nope")},
			[]string{"JIESU_REDIS_URL_FILE"}},
		{"bad int", map[string]string{"JIESU_OUTBOX_BATCH": "ten"}, []string{`JIESU_OUTBOX_BATCH: "ten" is not a whole number`}},
		{"bad duration", map[string]string{"JIESU_TIERS_GENERAL_RESOLVE_WITHIN": "5d"}, []string{"JIESU_TIERS_GENERAL_RESOLVE_WITHIN", "duration"}},
		{"bad bool", map[string]string{"JIESU_DISPATCH_AUTO": "yes please"}, []string{"JIESU_DISPATCH_AUTO", "true or false"}},
		{"every bad variable at once", map[string]string{"JIESU_OUTBOX_BATCH": "x", "JIESU_OUTBOX_LEASE": "y"},
			[]string{"JIESU_OUTBOX_BATCH", "JIESU_OUTBOX_LEASE"}},
		{"valid syntax, invalid value", map[string]string{"JIESU_OUTBOX_BATCH": "0"}, []string{"outbox.batch: must be more than 0"}},
		{"replay check turned off", map[string]string{"JIESU_WECHAT_REPLAY_WINDOW": "0"}, []string{"wechat.replay_window: 0s: want 30s to 15m"}},
		// One start shows every problem: a variable that does not parse does
		// not hide what the rest of the configuration gets wrong.
		{"bad variable beside invalid values", map[string]string{"JIESU_OUTBOX_MAX_ATTEMPTS": "abc", "JIESU_LOG_FORMAT": "xml", "JIESU_OUTBOX_BATCH": "0"},
			[]string{"JIESU_OUTBOX_MAX_ATTEMPTS", "log.format", "outbox.batch: must be more than 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load("", env(tt.env))
			wantErr(t, err, tt.want...)
		})
	}
}

// A variable that could not be read leaves the file's value in place; what
// would be said of that value is not said, since the operator meant another.
func TestEnvFailureSaysNothingOfTheValueLeft(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope")
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		notWant string
	}{
		{"unreadable keys file", map[string]string{"JIESU_DATABASE_URL": "postgres://x/y", "JIESU_SECURITY_ENCRYPTION_KEYS_FILE": missing},
			"JIESU_SECURITY_ENCRYPTION_KEYS_FILE", "security.encryption_keys"},
		{"unparsed key compared with another", map[string]string{"JIESU_OUTBOX_BACKOFF": "45m", "JIESU_OUTBOX_MAX_BACKOFF": "1 h"},
			"JIESU_OUTBOX_MAX_BACKOFF", "outbox.backoff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load("", env(tt.env))
			wantErr(t, err, tt.want)
			if strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("a problem of the value left in place is reported:\n%v", err)
			}
		})
	}
}

// An element of a list is named by its id (or position, if it has none):
// a unit's robot key, a secret, can then come from a file like the others.
func TestEnvOverridesListElements(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "robot")
	if err := os.WriteFile(file, []byte("robot-key-from-a-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load("", env(map[string]string{
		"JIESU_UNITS_LOGISTICS_NAME":                "后勤保障部",
		"JIESU_UNITS_LOGISTICS_CHAT_ROBOT_KEY_FILE": file,
		"JIESU_MEMBERS_OFFICE_WANG_NAME":            "王芳芳", // the id office-wang, "-" as "_"
		"JIESU_ESCALATION_URGENT_0_AT":              "dispatch+5m",
		"JIESU_UNITS_LOGISTICS_ID":                  "renamed", // ids come from the file only
	}))
	if err != nil {
		t.Fatal(err)
	}
	u := c.Units[unitIndex(t, c, "logistics")]
	if u.Name != "后勤保障部" || u.Chat.RobotKey != "robot-key-from-a-secret" {
		t.Errorf("logistics: name %q, robot key %q", u.Name, u.Chat.RobotKey)
	}
	if m, ok := c.Member("office-wang"); !ok || m.Name != "王芳芳" {
		t.Errorf("office-wang: %+v", m)
	}
	if got := c.Escalation.Urgent[0].At; got != "dispatch+5m" {
		t.Errorf("escalation.urgent.0.at = %q", got)
	}
	_, err = Load("", env(map[string]string{"JIESU_UNITS_LOGISTICS_CHAT_ROBOT_KEY": "k", "JIESU_UNITS_LOGISTICS_CHAT_ROBOT_KEY_FILE": file}))
	wantErr(t, err, "JIESU_UNITS_LOGISTICS_CHAT_ROBOT_KEY and JIESU_UNITS_LOGISTICS_CHAT_ROBOT_KEY_FILE are both set")
}

func TestEnvList(t *testing.T) {
	t.Parallel()
	byKey := map[string]EnvVar{}
	for _, v := range Env() {
		byKey[v.Key] = v
		if !strings.HasPrefix(v.Name, EnvPrefix) {
			t.Errorf("%s: name %s lacks the prefix", v.Key, v.Name)
		}
	}
	if v := byKey["server.listen"]; v.Name != "JIESU_LISTEN" || !slices.Equal(v.Aliases, []string{"JIESU_SERVER_LISTEN"}) {
		t.Errorf("server.listen: %+v", v)
	}
	if v := byKey["server.data_dir"]; v.Name != "JIESU_DATA_DIR" {
		t.Errorf("server.data_dir: %+v", v)
	}
	if v := byKey["database.url"]; v.Name != "JIESU_DATABASE_URL" || !v.Secret {
		t.Errorf("database.url: %+v", v)
	}
	if v := byKey["tiers.urgent.resolve_within"]; v.Name != "JIESU_TIERS_URGENT_RESOLVE_WITHIN" {
		t.Errorf("tiers.urgent.resolve_within: %+v", v)
	}
	if v, ok := byKey["routing.urgent_words"]; !ok || v.Name != "JIESU_ROUTING_URGENT_WORDS" {
		t.Errorf("routing.urgent_words: %+v", v)
	}
	for _, k := range []string{"units", "members", "categories", "escalation.urgent"} {
		if _, ok := byKey[k]; ok {
			t.Errorf("%s is listed but lists of structs are file-only", k)
		}
	}
}
