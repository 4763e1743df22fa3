// Package config is jiesu's one configuration: a YAML file, every key
// overridable from the environment, validated once at start.
package config

import "time"

// Defaults that apply when a key is absent.
const (
	DefaultListen         = ":8080"
	DefaultMetricsListen  = "127.0.0.1:9090"
	DefaultDataDir        = "./data"
	DefaultMaxBodyBytes   = 1 << 20 // 1 MiB: a complaint is text; attachments come through the channels
	DefaultLogLevel       = "info"
	DefaultLogFormat      = "json"
	DefaultDBMaxConns     = 10
	DefaultRedisReplicas  = 2
	DefaultOutboxPoll     = time.Second
	DefaultOutboxBatch    = 50
	DefaultOutboxAttempts = 10
	DefaultOutboxBackoff  = 2 * time.Second
	DefaultOutboxMaxWait  = 30 * time.Minute
	DefaultOutboxLease    = time.Minute
	DefaultPageSize       = 50

	DefaultBaseURL            = "http://localhost:8080"
	DefaultTriageUnit         = "school_office"
	DefaultChatPlatform       = PlatformLog
	DefaultEscalationTemplate = "escalation"

	// Tier labels are what cards and pages show; the policy itself names
	// the tiers only by their promise.
	DefaultUrgentLabel    = "紧急事项"
	DefaultEssentialLabel = "基本保障事项"
	DefaultGeneralLabel   = "一般事项"
)

// Config is everything jiesu reads at start. Field docs name the YAML key;
// the environment variable is JIESU_ + the key path in upper case with dots
// as underscores (database.url → JIESU_DATABASE_URL), except server.listen
// and server.data_dir, whose names are JIESU_LISTEN and JIESU_DATA_DIR (the
// long forms are accepted too). Lists of strings are comma-separated; in
// lists of units, members, categories and escalation steps an element is
// named by its id, or its position if it has none (units.logistics.name →
// JIESU_UNITS_LOGISTICS_NAME; "-" in an id becomes "_"), and which elements
// there are comes from the file. Fields tagged secret:"true" can also be read from the file named by
// the variable with _FILE appended, and are masked when the configuration
// is printed. A zero number or duration in the file means the default.
type Config struct {
	Server     Server     `yaml:"server"`
	Database   Database   `yaml:"database"`
	Redis      Redis      `yaml:"redis"`
	Log        Log        `yaml:"log"`
	Security   Security   `yaml:"security"`
	Dispatch   Dispatch   `yaml:"dispatch"`
	Outbox     Outbox     `yaml:"outbox"`
	Tiers      Tiers      `yaml:"tiers"`
	Units      []Unit     `yaml:"units"`
	Members    []Member   `yaml:"members"`
	Categories []Category `yaml:"categories"`
	Routing    Routing    `yaml:"routing"`
	Escalation Escalation `yaml:"escalation"`
	WeChat     WeChat     `yaml:"wechat"`
	WeCom      WeCom      `yaml:"wecom"`
	Survey     Survey     `yaml:"survey"`
	SLA        SLA        `yaml:"sla"`

	// source is where Load read this configuration; see Source.
	source string
}

// Server is the HTTP side. The listen address and the data directory are
// also read from JIESU_LISTEN and JIESU_DATA_DIR, the short names the README
// gives.
type Server struct {
	// Listen is the address to serve on (server.listen). Default ":8080".
	Listen string `yaml:"listen"`
	// MetricsListen is the address /metrics is served on, apart from the
	// port WeChat and WeCom reach (server.metrics_listen). Default
	// "127.0.0.1:9090".
	MetricsListen string `yaml:"metrics_listen"`
	// DataDir holds the SQLite file and attachments (server.data_dir).
	// Default "./data".
	DataDir string `yaml:"data_dir"`
	// BaseURL is the public address, used in links sent to chats
	// (server.base_url). Default "http://localhost:8080".
	BaseURL string `yaml:"base_url"`
	// MaxBodyBytes caps every request body (server.max_body_bytes).
	// Default 1 MiB.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// TrustedProxies are the reverse proxies whose X-Forwarded-For the
	// access log believes, as addresses or CIDR ranges
	// (server.trusted_proxies), e.g. ["10.0.0.0/8", "127.0.0.1"]. Default
	// none: the log shows the connection's own address.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// TemplatesDir holds message templates that replace the embedded ones
	// of the same name or add new ones (an escalation step's own), as
	// messages/<name>.tmpl (server.templates_dir). Default empty: the
	// embedded templates alone. They are parsed and tried at start.
	TemplatesDir string `yaml:"templates_dir"`
}

// Database selects the store (database.*).
type Database struct {
	// URL is a PostgreSQL URL (database.url). Empty: the embedded SQLite
	// file <data_dir>/jiesu.db.
	URL string `yaml:"url" secret:"true"`
	// MaxConns caps the PostgreSQL pool (database.max_conns). Default 10.
	MaxConns int `yaml:"max_conns"`
}

// Redis is the shared cache and rate limiter (redis.*).
type Redis struct {
	// URL is a redis:// URL (redis.url). Empty: in-process equivalents.
	URL string `yaml:"url" secret:"true"`
	// Replicas is how many replicas share the platforms' rate limits
	// through Redis (redis.replicas). While Redis does not answer, each
	// sends at 1/Replicas of a limit on its own, so that together they
	// stay under it. Default 2.
	Replicas int `yaml:"replicas"`
}

// Log configures zap (log.*).
type Log struct {
	// Level is debug, info, warn or error (log.level). Default "info".
	Level string `yaml:"level"`
	// Format is json (production) or console (development) (log.format).
	// Default "json".
	Format string `yaml:"format"`
}

// Security holds the keys that protect complainants' personal data.
type Security struct {
	// EncryptionKeys is a comma-separated list of id:base64key pairs, each key
	// 32 bytes (AES-256), the first one used for new data and the others kept
	// to read data sealed before a rotation (security.encryption_keys).
	// Empty: a key is generated once into <data_dir>/jiesu.key, which suits
	// the embedded default but not several replicas.
	EncryptionKeys string `yaml:"encryption_keys" secret:"true"`
	// StudentNumber is the school's student-number format, a Go regular
	// expression matched against a whole run of digits, which complaint
	// text shows masked like a phone number (security.student_number).
	// Default secret.DefaultStudentNumber: 10 digits starting 20.
	StudentNumber string `yaml:"student_number"`
}

// Dispatch governs what happens to a routed case (dispatch.*).
type Dispatch struct {
	// Auto sends a case to the unit routing found without waiting for the
	// office (dispatch.auto). Default true.
	Auto *bool `yaml:"auto"`
	// TriageUnit is the unit whose queue takes unmatched cases
	// (dispatch.triage_unit). Default "school_office".
	TriageUnit string `yaml:"triage_unit"`
}

// Outbox tunes delivery (outbox.*).
type Outbox struct {
	// PollInterval is how often the worker looks for due messages
	// (outbox.poll_interval). Default 1s.
	PollInterval time.Duration `yaml:"poll_interval"`
	// Batch is how many messages one claim takes (outbox.batch). Default 50.
	Batch int `yaml:"batch"`
	// MaxAttempts before a message is dead-lettered (outbox.max_attempts).
	// Default 10.
	MaxAttempts int `yaml:"max_attempts"`
	// Backoff is the first retry delay, doubled each attempt with jitter
	// (outbox.backoff). Default 2s.
	Backoff time.Duration `yaml:"backoff"`
	// MaxBackoff caps the delay (outbox.max_backoff). Default 30m.
	MaxBackoff time.Duration `yaml:"max_backoff"`
	// Lease is how long a claimed message is reserved for one replica before
	// another may take it (outbox.lease). Default 1m.
	Lease time.Duration `yaml:"lease"`
}

// Tiers are the three response levels (tiers.urgent, tiers.essential,
// tiers.general).
type Tiers struct {
	Urgent    Tier `yaml:"urgent"`
	Essential Tier `yaml:"essential"`
	General   Tier `yaml:"general"`
}

// Tier is one level's promise, counted from dispatch.
type Tier struct {
	// Label is what people read, e.g. 紧急事项.
	Label string `yaml:"label"`
	// ContactWithin: the unit calls the complainant by then. Defaults 30m,
	// 2h, 24h.
	ContactWithin time.Duration `yaml:"contact_within"`
	// ResolveWithin: the case is resolved by then. Defaults 2h, 24h, 120h.
	ResolveWithin time.Duration `yaml:"resolve_within"`
}

// Unit is a department that can lead or co-handle cases.
type Unit struct {
	// ID is the stable key used everywhere (units[].id), e.g. "logistics".
	ID string `yaml:"id"`
	// Name is the Chinese name, e.g. 后勤管理处.
	Name string `yaml:"name"`
	// Head is the member id of the unit's head, who receives escalations
	// (units[].head). Required; the member must be in this unit and hold
	// the unit_head role.
	Head string `yaml:"head"`
	// Leader is the member id of the school leader in charge of the unit
	// (分管校领导, units[].leader), who receives the vice_president
	// escalations of its cases. Required when any escalation step notifies
	// vice_president; the member must hold the leader role.
	Leader string `yaml:"leader"`
	// Chat is where the unit's group lives. Empty platform: messages are
	// logged only.
	Chat UnitChat `yaml:"chat"`
}

// UnitChat is a unit's group chat.
type UnitChat struct {
	// Platform is wecom, dingtalk, sandbox or log (default). wecom and
	// dingtalk need robot_key.
	Platform string `yaml:"platform"`
	// Group identifies the group on that platform (chat id or robot).
	Group string `yaml:"group"`
	// RobotKey is the group robot's webhook key.
	RobotKey string `yaml:"robot_key" secret:"true"`
	// Departments and Tags are the platform's lists of the unit's handlers
	// (WeCom department or tag ids, units[].chat.departments and .tags).
	// A WeCom group cannot carry callback buttons, so the 接单 card goes
	// to them privately through the app. Both empty: to the unit's
	// members that have a wecom_user. See wecom.go.
	Departments []string `yaml:"departments"`
	Tags        []string `yaml:"tags"`
}

// Chat platforms of units[].chat.platform.
const (
	PlatformWeCom    = "wecom"
	PlatformDingTalk = "dingtalk"
	PlatformSandbox  = "sandbox"
	PlatformLog      = "log" // messages are only logged: a unit not yet on any chat
)

// Member is a person who uses jiesu with a role in a unit.
type Member struct {
	// ID is the stable key (members[].id), e.g. "office-wang".
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Unit is required for handlers and unit heads, who act for it; school
	// leaders may have none.
	Unit string `yaml:"unit"`
	// Roles are cases.Role names: admin, school_office, operator, handler,
	// unit_head, leader, supervisor.
	Roles []string `yaml:"roles"`
	// WeComUser and DingTalkUser map the member to their chat identity.
	WeComUser    string `yaml:"wecom_user"`
	DingTalkUser string `yaml:"dingtalk_user"`
}

// Category is a kind of matter with the unit that leads it.
type Category struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	Keywords []string `yaml:"keywords"`
	// Tier is the category's usual tier (urgent, essential or general);
	// urgency words can raise it.
	Tier     string   `yaml:"tier"`
	LeadUnit string   `yaml:"lead_unit"`
	CoUnits  []string `yaml:"co_units"`
}

// Routing holds the words that raise a case's tier and the places that
// routing recognises.
type Routing struct {
	// UrgentPatterns are regular expressions (RE2) of phrases that show an
	// ongoing danger to people or property (着火了, 困在电梯里, 闻到…燃气味);
	// a match raises a case to urgent whatever else its sentence says.
	UrgentPatterns []string `yaml:"urgent_patterns"`
	// UrgentWords name a danger (火灾, 消防, 受伤, …). One raises a case to
	// urgent, since in doubt urgent is the safer tier, unless an
	// urgent_exceptions word stands in the same clause.
	UrgentWords []string `yaml:"urgent_words"`
	// UrgentExceptions mark a clause's urgent word as a passing mention
	// (通道, 隐患, 演练, 已报警, 燃气费): the word then raises nothing.
	UrgentExceptions []string `yaml:"urgent_exceptions"`
	// EssentialWords raise a general case to essential (no water, power cut, …).
	EssentialWords []string `yaml:"essential_words"`
	// OfficialWords mark a case that accuses a cadre or official, which the
	// discipline office must see.
	OfficialWords []string `yaml:"official_words"`
	// Places are names of buildings, dormitories and canteens.
	Places []string `yaml:"places"`
	// PlaceAliases are other names of a place (一食, 老图); a case that
	// uses one gets the place's name, so hotspots and incidents count it
	// once.
	PlaceAliases []PlaceAlias `yaml:"place_aliases"`
}

// PlaceAlias is a place and the other names people give it
// (routing.place_aliases[]).
type PlaceAlias struct {
	// Name is the place as cases show it; it need not be listed in places.
	Name string `yaml:"name"`
	// Aliases are the other names; each maps to Name.
	Aliases []string `yaml:"aliases"`
}

// Escalation is the chain of people a late case goes up to, per tier. A tier
// whose key is absent gets DefaultEscalation's chain. Validation refuses a
// chain that can leave a case unescalated (see validateReach), so an
// empty list ([]) is refused too.
type Escalation struct {
	Urgent    []EscalationStep `yaml:"urgent"`
	Essential []EscalationStep `yaml:"essential"`
	General   []EscalationStep `yaml:"general"`
}

// EscalationStep is one rung of the chain: at a point in the window, if the
// case is still not where it should be, notify these people.
type EscalationStep struct {
	// At is a fraction of the resolve window, dispatch to resolve_by
	// ("50%"), or an offset from dispatch or a deadline ("contact_by",
	// "resolve_by-30m", "resolve_by+0", "dispatch+10m"). See cases.ParseStepTime.
	At string `yaml:"at"`
	// If is not_accepted, not_contacted or not_resolved.
	If Condition `yaml:"if"`
	// Notify lists who is told: unit_group (the lead unit's group chat),
	// handler (the first handler), unit_head (units[].head),
	// school_office (members with role school_office), vice_president
	// (units[].leader of the lead unit), discipline_office (members with
	// role supervisor) or member:<id>.
	Notify []Target `yaml:"notify"`
	// Template names the message template; default "escalation".
	Template string `yaml:"template"`
}
