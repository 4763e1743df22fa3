package config

import (
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// unitIndex and memberIndex find positions in the example, so that the
// cases below survive reordering of the file.
func unitIndex(t *testing.T, c *Config, id string) int {
	t.Helper()
	i := slices.IndexFunc(c.Units, func(u Unit) bool { return u.ID == id })
	if i < 0 {
		t.Fatalf("example lacks unit %s", id)
	}
	return i
}

func memberIndex(t *testing.T, c *Config, id string) int {
	t.Helper()
	i := slices.IndexFunc(c.Members, func(m Member) bool { return m.ID == id })
	if i < 0 {
		t.Fatalf("example lacks member %s", id)
	}
	return i
}

func TestValidateProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		break_ func(t *testing.T, c *Config) // the mistake
		want   string                        // a part of the message
	}{
		// units
		{"unit id required", func(t *testing.T, c *Config) { c.Units[0].ID = "" }, "units[0].id: required"},
		{"unit id malformed", func(t *testing.T, c *Config) { c.Units[0].ID = "school office" }, `units[0].id: "school office": use letters`},
		{"unit id duplicate", func(t *testing.T, c *Config) { c.Units[1].ID = c.Units[0].ID }, "units[1].id: duplicate id \"school_office\" (also units[0])"},
		{"unit name required", func(t *testing.T, c *Config) { c.Units[2].Name = " " }, "units.discipline.name: required"},
		{"unit without a usable id named by position", func(t *testing.T, c *Config) { c.Units[2].ID, c.Units[2].Name = "纪委", "" }, "units[2].name: required"},
		{"unit id that reads as a path named by position", func(t *testing.T, c *Config) { c.Units[2].ID, c.Units[2].Name = "discipline.chat", "" }, "units[2].name: required"},
		{"unit id that reads as a position named by position", func(t *testing.T, c *Config) { c.Units[2].ID, c.Units[2].Name = "7", "" }, "units[2].name: required"},
		{"unit head required", func(t *testing.T, c *Config) { c.Units[3].Head = "" }, "units.staff_affairs.head: required"},
		{"unit head unknown", func(t *testing.T, c *Config) { c.Units[3].Head = "nobody" }, `units.staff_affairs.head: unknown member "nobody"`},
		{"unit head in another unit", func(t *testing.T, c *Config) {
			c.Units[unitIndex(t, c, "logistics")].Head = "dorm-yang"
		}, `head: member "dorm-yang" is in unit "dormitory", not "logistics"`},
		{"unit head without the role", func(t *testing.T, c *Config) {
			c.Units[unitIndex(t, c, "logistics")].Head = "logistics-ma"
		}, `head: member "logistics-ma" lacks role unit_head`},
		{"unit leader required for vice_president", func(t *testing.T, c *Config) { c.Units[4].Leader = "" },
			"units.student_affairs.leader: required because an escalation step notifies vice_president"},
		{"unit leader not a leader", func(t *testing.T, c *Config) { c.Units[4].Leader = "office-wang" },
			`units.student_affairs.leader: member "office-wang" lacks role leader`},
		{"unit leader unknown", func(t *testing.T, c *Config) { c.Units[4].Leader = "ghost" }, `units.student_affairs.leader: unknown member "ghost"`},
		{"chat platform unknown", func(t *testing.T, c *Config) { c.Units[5].Chat.Platform = "slack" }, `units.graduate_affairs.chat.platform: "slack"`},
		{"chat platform without a sender yet", func(t *testing.T, c *Config) { c.Units[5].Chat = UnitChat{Platform: PlatformDingTalk, RobotKey: "k"} },
			`units.graduate_affairs.chat.platform: dingtalk is not available in this version`},
		{"wecom unit without the wecom app", func(t *testing.T, c *Config) { c.Units[5].Chat = UnitChat{Platform: PlatformWeCom, RobotKey: "k"} },
			`units.graduate_affairs.chat.platform: wecom needs the wecom section`},
		{"wecom without robot key", func(t *testing.T, c *Config) { c.Units[5].Chat.Platform = PlatformWeCom },
			"units.graduate_affairs.chat.robot_key: required for platform wecom"},
		// members
		{"member id required", func(t *testing.T, c *Config) { c.Members[0].ID = "" }, "members[0].id: required"},
		{"member id duplicate", func(t *testing.T, c *Config) { c.Members[2].ID = c.Members[1].ID }, "members[2].id: duplicate id"},
		{"member name required", func(t *testing.T, c *Config) { c.Members[1].Name = "" }, "members.president.name: required"},
		{"member unknown unit", func(t *testing.T, c *Config) { c.Members[5].Unit = "canteen" }, `members.office-wang.unit: unknown unit "canteen"`},
		{"handler without unit", func(t *testing.T, c *Config) { c.Members[memberIndex(t, c, "logistics-ma")].Unit = "" },
			"unit: required for a handler or unit_head"},
		{"member unknown role", func(t *testing.T, c *Config) { c.Members[0].Roles = []string{"leader", "boss"} },
			`members.secretary.roles[1]: unknown role "boss"`},
		{"member without roles", func(t *testing.T, c *Config) { c.Members[0].Roles = nil }, "members.secretary.roles: at least one role"},
		{"two members, one wecom user", func(t *testing.T, c *Config) {
			c.Members[0].WeComUser, c.Members[1].WeComUser = "zhang", "zhang"
		}, `members.president.wecom_user: "zhang" is also`},
		// categories
		{"replay window off", func(t *testing.T, c *Config) { c.WeChat.ReplayWindow = 0 }, "wechat.replay_window: 0s: want 30s to 15m: a callback stamped further off is refused"},
		{"wecom replay window negative", func(t *testing.T, c *Config) { c.WeCom.ReplayWindow = -time.Minute }, "wecom.replay_window: -1m0s: want 30s to 15m"},
		{"supplement window under a minute", func(t *testing.T, c *Config) { c.WeChat.SupplementWindow = 30 * time.Second }, "wechat.supplement_window: 30s: want 1m to 24h: students are told it in minutes"},
		{"category id required", func(t *testing.T, c *Config) { c.Categories[0].ID = "" }, "categories[0].id: required"},
		{"category id duplicate", func(t *testing.T, c *Config) { c.Categories[1].ID = c.Categories[0].ID }, "categories[1].id: duplicate id"},
		{"category name required", func(t *testing.T, c *Config) { c.Categories[1].Name = "" }, "categories.heating.name: required"},
		{"category unknown lead unit", func(t *testing.T, c *Config) { c.Categories[0].LeadUnit = "kitchen" },
			`categories.water_power.lead_unit: unknown unit "kitchen"`},
		{"category lead unit required", func(t *testing.T, c *Config) { c.Categories[0].LeadUnit = "" }, "categories.water_power.lead_unit: required"},
		{"category unknown co-unit", func(t *testing.T, c *Config) { c.Categories[2].CoUnits = []string{"security", "kitchen"} },
			`categories.canteen.co_units[1]: unknown unit "kitchen"`},
		{"category co-unit is lead", func(t *testing.T, c *Config) { c.Categories[2].CoUnits = []string{c.Categories[2].LeadUnit} },
			"categories.canteen.co_units[0]: \"logistics\" is the lead unit"},
		{"category bad tier", func(t *testing.T, c *Config) { c.Categories[3].Tier = "critical" }, `categories.facilities.tier: "critical"`},
		{"category empty keyword", func(t *testing.T, c *Config) { c.Categories[3].Keywords = []string{"报修", ""} },
			"categories.facilities.keywords[1]: empty keyword"},
		{"empty routing word", func(t *testing.T, c *Config) { c.Routing.UrgentWords = []string{"火", " "} },
			"routing.urgent_words[1]: empty word"},
		// tiers
		{"contact_within zero", func(t *testing.T, c *Config) { c.Tiers.Urgent.ContactWithin = 0 },
			"tiers.urgent.contact_within: 0s: want 1m to 720h"},
		{"resolve_within negative", func(t *testing.T, c *Config) { c.Tiers.Essential.ResolveWithin = -time.Hour },
			"tiers.essential.resolve_within: -1h0m0s: want 1m to 720h: deadlines are shown to the minute"},
		{"contact after resolve", func(t *testing.T, c *Config) { c.Tiers.General.ContactWithin = 200 * time.Hour },
			"tiers.general.contact_within: 200h0m0s is after resolve_within 120h0m0s"},
		{"tier label required", func(t *testing.T, c *Config) { c.Tiers.General.Label = "" }, "tiers.general.label: required"},
		// dispatch
		{"triage unit unknown", func(t *testing.T, c *Config) { c.Dispatch.TriageUnit = "front_desk" },
			`dispatch.triage_unit: unknown unit "front_desk"`},
		// escalation
		{"step if unknown", func(t *testing.T, c *Config) { c.Escalation.Urgent[0].If = "not_done" },
			`escalation.urgent[0].if: "not_done"`},
		{"step notify empty", func(t *testing.T, c *Config) { c.Escalation.Urgent[1].Notify = nil },
			"escalation.urgent[1].notify: at least one target"},
		{"step notify unknown", func(t *testing.T, c *Config) { c.Escalation.Essential[1].Notify = []Target{"unit_head", "dean"} },
			`escalation.essential[1].notify[1]: unknown target "dean"`},
		{"step notify member unknown", func(t *testing.T, c *Config) { c.Escalation.General[0].Notify = []Target{"member:ghost"} },
			`escalation.general[0].notify[0]: unknown member "ghost"`},
		{"step at unparsable", func(t *testing.T, c *Config) { c.Escalation.General[0].At = "soon" }, `escalation.general[0].at: "soon"`},
		{"step at beyond 100%", func(t *testing.T, c *Config) { c.Escalation.Urgent[2].At = "120%" },
			`escalation.urgent[2].at: "120%": a share of the window must be more than 0% and at most 100%`},
		{"step at before dispatch", func(t *testing.T, c *Config) { c.Escalation.Urgent[1].At = "contact_by-1h" },
			`escalation.urgent[1].at: "contact_by-1h" falls before dispatch in tier urgent`},
		{"school_office with nobody in the role", func(t *testing.T, c *Config) {
			for i := range c.Members {
				c.Members[i].Roles = slices.DeleteFunc(c.Members[i].Roles, func(r string) bool { return r == "school_office" })
			}
		}, "escalation.urgent[1].notify[1]: no member has role school_office"},
		// server and the rest
		{"base url", func(t *testing.T, c *Config) { c.Server.BaseURL = "jiesu.example.edu.cn" }, "server.base_url"},
		{"max body bytes", func(t *testing.T, c *Config) { c.Server.MaxBodyBytes = 0 }, "server.max_body_bytes: must be more than 0"},
		{"listen required", func(t *testing.T, c *Config) { c.Server.Listen = "" }, "server.listen: required"},
		{"metrics listen required", func(t *testing.T, c *Config) { c.Server.MetricsListen = "" }, "server.metrics_listen: required"},
		{"metrics on the public port", func(t *testing.T, c *Config) { c.Server.MetricsListen = c.Server.Listen }, "server.metrics_listen: must differ"},
		{"database url scheme", func(t *testing.T, c *Config) { c.Database.URL = "mysql://root:hunter2@db/jiesu" },
			"database.url: must start with postgres://"},
		{"database max conns", func(t *testing.T, c *Config) { c.Database.MaxConns = -1 }, "database.max_conns"},
		{"redis replicas", func(t *testing.T, c *Config) { c.Redis.Replicas = 0 }, "redis.replicas"},
		{"templates dir missing", func(t *testing.T, c *Config) { c.Server.TemplatesDir = "/nonexistent/jiesu-templates" }, "server.templates_dir"},
		{"redis url scheme", func(t *testing.T, c *Config) { c.Redis.URL = "http://hunter2@redis" }, "redis.url: must start with redis://"},
		{"log level", func(t *testing.T, c *Config) { c.Log.Level = "verbose" }, `log.level: "verbose"`},
		{"log format", func(t *testing.T, c *Config) { c.Log.Format = "xml" }, `log.format: "xml"`},
		{"outbox batch", func(t *testing.T, c *Config) { c.Outbox.Batch = 0 }, "outbox.batch: must be more than 0"},
		{"outbox attempts", func(t *testing.T, c *Config) { c.Outbox.MaxAttempts = -2 }, "outbox.max_attempts: must be more than 0"},
		{"outbox poll", func(t *testing.T, c *Config) { c.Outbox.PollInterval = 0 }, "outbox.poll_interval: 0s: want 100ms to 1m"},
		{"outbox backoff above max", func(t *testing.T, c *Config) { c.Outbox.Backoff = time.Hour }, "outbox.backoff: 1h0m0s is more than outbox.max_backoff"},
		{"survey later than the policy allows", func(t *testing.T, c *Config) { c.Survey.Delay = 49 * time.Hour },
			`survey.delay: 49h0m0s: want 1m to 48h: the complainant reads the result before being asked to rate it, and the policy asks for the follow-up within 48 hours of feedback`},
		{"unrated closed before the follow-up", func(t *testing.T, c *Config) { c.Survey.CloseUnratedAfter = time.Hour },
			`survey.close_unrated_after: 1h0m0s: must be after survey.follow_up_after`},
		{"no sweep", func(t *testing.T, c *Config) { c.SLA.SweepInterval = -time.Second }, `sla.sweep_interval: -1s: want 1s to 10m`},
		{"wechat without token", func(t *testing.T, c *Config) { c.WeChat.AppID, c.WeChat.AppSecret = "wx1", "s" },
			`wechat.token: required when wechat.app_id is set`},
		{"wechat AES key length", func(t *testing.T, c *Config) {
			c.WeChat.AppID, c.WeChat.AppSecret, c.WeChat.Token, c.WeChat.EncodingAESKey = "wx1", "s", "t", "short"
		}, `wechat.encoding_aes_key: is 5 characters, want 43`},
		{"wechat in plaintext mode", func(t *testing.T, c *Config) {
			c.WeChat.AppID, c.WeChat.AppSecret, c.WeChat.Token = "wx1", "s", "t"
		}, `wechat.encoding_aes_key: required when wechat.app_id is set: in plaintext mode the signature does not cover the message`},
		{"wechat field without a label", func(t *testing.T, c *Config) { c.WeChat.TemplateFields = []string{"thing3=field: "} },
			`wechat.template_fields: want key=part entries`},
		{"wecom without agent", func(t *testing.T, c *Config) {
			c.WeCom.CorpID, c.WeCom.Secret, c.WeCom.Token, c.WeCom.EncodingAESKey = "ww1", "s", "t", strings.Repeat("a", 43)
		}, `wecom.agent_id: required when wecom.corp_id is set`},
		{"api base not a URL", func(t *testing.T, c *Config) { c.WeChat.APIBase = "api.weixin.qq.com" }, `wechat.api_base: "api.weixin.qq.com" is not an http(s) URL`},
		{"callback path under the API", func(t *testing.T, c *Config) { c.WeCom.Path = "/api/v1/wecom" }, `wecom.path: "/api/v1/wecom": want an absolute path outside /api/`},
		{"encryption key short", func(t *testing.T, c *Config) { c.Security.EncryptionKeys = "k1:aHVudGVyMg==" },
			`security.encryption_keys: key "k1" is 7 bytes, want 32`},
		{"encryption key ids repeat", func(t *testing.T, c *Config) { c.Security.EncryptionKeys = key32("k1") + "," + key32("k1") },
			`security.encryption_keys: key entry 2: id "k1" used twice`},
		{"student number not a pattern", func(t *testing.T, c *Config) { c.Security.StudentNumber = `20[0-9` },
			`security.student_number: student number pattern: error parsing regexp`},
		{"student number takes a room", func(t *testing.T, c *Config) { c.Security.StudentNumber = `\d+` },
			`security.student_number: student number pattern "\\d+" matches "0": it would mask rooms`},
		{"postgres without encryption keys", func(t *testing.T, c *Config) { c.Database.URL = "postgres://jiesu@db/jiesu" },
			`security.encryption_keys: required with database.url`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := example(t)
			tt.break_(t, c)
			err := c.Validate()
			wantErr(t, err, tt.want)
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "aHVudGVyMg") {
				t.Errorf("a secret shows in the error: %v", err)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	c := example(t)
	c.Units[0].Name = ""
	ma := memberIndex(t, c, "logistics-ma")
	c.Members[ma].Roles = []string{"handler", "boss"}
	c.Log.Level = "loud"
	err := c.Validate()
	keys := problemKeys(err)
	want := []string{"units.school_office.name", "members.logistics-ma.roles[1]", "log.level"}
	for _, k := range want {
		if !slices.Contains(keys, k) {
			t.Errorf("problem %s missing from %v", k, keys)
		}
	}
	if len(keys) != len(want) {
		t.Errorf("got %d problems %v, want %d", len(keys), keys, len(want))
	}
	var p *Problem
	if !errors.As(err, &p) || p.Key == "" {
		t.Errorf("errors.As finds no *Problem in %v", err)
	}
}

func TestValidateAcceptsGoodVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(c *Config)
	}{
		{"postgresql url", func(c *Config) {
			c.Database.URL, c.Security.EncryptionKeys = "postgresql://jiesu@db/jiesu", key32("2025")
		}},
		{"rediss url", func(c *Config) { c.Redis.URL = "rediss://redis:6380/0" }},
		{"two keys", func(c *Config) { c.Security.EncryptionKeys = key32("2025") + ", " + key32("2024") }},
		{"member target", func(c *Config) { c.Escalation.Urgent[0].Notify = []Target{"member:office-wang"} }},
		{"chains without vice_president need no leaders", func(c *Config) {
			office := func() []EscalationStep {
				return []EscalationStep{
					{At: "contact_by", If: IfNotAccepted, Notify: []Target{NotifySchoolOffice}},
					{At: "resolve_by", If: IfNotResolved, Notify: []Target{NotifySchoolOffice}},
				}
			}
			c.Escalation = Escalation{Urgent: office(), Essential: office(), General: office()}
			for i := range c.Units {
				c.Units[i].Leader = ""
			}
		}},
		{"leader without a unit", func(c *Config) { c.Members[0].Unit = "" }},
		{"wecom with robot key", func(c *Config) {
			withWeCom(c)
			c.Units[0].Chat = UnitChat{Platform: PlatformWeCom, RobotKey: "k"}
		}},
		{"wechat field by label", func(c *Config) {
			c.WeChat.SubscribeFields = []string{"thing3=field:办理结果", "thing4=field:办理结果"}
		}},
		{"wechat plaintext allowed for testing", func(c *Config) {
			c.WeChat.AppID, c.WeChat.AppSecret, c.WeChat.Token, c.WeChat.AllowPlaintext = "wx1", "s", "t", true
		}},
		{"wechat with its AES key", func(c *Config) {
			c.WeChat.AppID, c.WeChat.AppSecret, c.WeChat.Token, c.WeChat.EncodingAESKey = "wx1", "s", "t", strings.Repeat("k", 43)
		}},
		{"contact equals resolve", func(c *Config) { c.Tiers.Urgent.ContactWithin = c.Tiers.Urgent.ResolveWithin }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := example(t)
			tt.edit(c)
			if err := c.Validate(); err != nil {
				t.Errorf("unexpected problems:\n%v", err)
			}
		})
	}
}

// key32 is a keyring entry with a 32-byte key derived from id.
func key32(id string) string {
	return id + ":" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat(id, 32)[:32]))
}
