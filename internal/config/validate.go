package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/secret"
)

// Problem is one thing wrong with the configuration, named by its key path
// (units.logistics.head; units[2].head for an element without a usable id)
// so that the operator can find it in the file.
type Problem struct {
	Key string
	Msg string
}

func (p *Problem) Error() string { return p.Key + ": " + p.Msg }

// problems collects every Problem of one Validate.
type problems []error

func (ps *problems) add(key, format string, args ...any) {
	*ps = append(*ps, &Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// Validate reports every problem at once, joined; errors.As finds each
// *Problem. It judges the configuration as given: Load fills defaults
// before, so a Config built in code should start from Parse or set them.
func (c *Config) Validate() error {
	var ps problems
	c.validateServer(&ps)
	c.validateUnits(&ps)
	c.validateMembers(&ps)
	c.validateHeads(&ps)
	c.validateCategories(&ps)
	c.validateTiers(&ps)
	c.validateEscalation(&ps)
	c.validateChains(&ps)
	c.validateReach(&ps)
	c.validateChannels(&ps)
	c.validateTiming(&ps)
	c.validateDurations(&ps)
	if _, ok := c.Unit(c.Dispatch.TriageUnit); !ok {
		ps.add("dispatch.triage_unit", "unknown unit %q", c.Dispatch.TriageUnit)
	}
	return errors.Join(ps...)
}

func (c *Config) validateServer(ps *problems) {
	if c.Server.Listen == "" {
		ps.add("server.listen", "required")
	}
	if c.Server.MetricsListen == "" {
		ps.add("server.metrics_listen", "required")
	} else if c.Server.MetricsListen == c.Server.Listen {
		ps.add("server.metrics_listen", "must differ from server.listen: /metrics stays off the port the platforms reach")
	}
	if c.Server.DataDir == "" {
		ps.add("server.data_dir", "required")
	}
	if u, err := url.Parse(c.Server.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		ps.add("server.base_url", "%q is not an http(s) URL such as https://jiesu.example.edu.cn", c.Server.BaseURL)
	}
	if c.Server.MaxBodyBytes <= 0 {
		ps.add("server.max_body_bytes", "must be more than 0")
	}
	for _, p := range c.Server.TrustedProxies {
		r, err := parseProxy(p)
		switch {
		case err != nil:
			ps.add("server.trusted_proxies", "%q is neither an IP address nor a CIDR range such as 10.0.0.0/8", p)
		case r.Bits() == 0:
			// Every client would be a proxy: anyone could name the address
			// the access log and the limits see.
			ps.add("server.trusted_proxies", "%q trusts every address; name the proxies' own range", p)
		}
	}
	// URLs are secrets: the messages say what is wrong without the value.
	if u := c.Database.URL; u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		ps.add("database.url", "must start with postgres:// or postgresql://, or be empty for SQLite")
	}
	if c.Database.MaxConns <= 0 {
		ps.add("database.max_conns", "must be more than 0")
	}
	if u := c.Redis.URL; u != "" && !strings.HasPrefix(u, "redis://") && !strings.HasPrefix(u, "rediss://") && !strings.HasPrefix(u, "unix://") {
		ps.add("redis.url", "must start with redis://, rediss:// or unix://, or be empty")
	}
	if d := c.Server.TemplatesDir; d != "" {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			ps.add("server.templates_dir", "%q: not a directory jiesu can read", d)
		}
	}
	if c.Redis.Replicas < 1 || c.Redis.Replicas > 100 {
		ps.add("redis.replicas", "%d: want 1 to 100, the replicas that share the rate limits", c.Redis.Replicas)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		ps.add("log.level", "%q: want debug, info, warn or error", c.Log.Level)
	}
	if c.Log.Format != "json" && c.Log.Format != "console" {
		ps.add("log.format", "%q: want json or console", c.Log.Format)
	}
	switch {
	case c.Security.EncryptionKeys != "":
		// The keyring's own parser, so that what validates is what opens.
		if _, err := secret.ParseKeyring(c.Security.EncryptionKeys); err != nil {
			ps.add("security.encryption_keys", "%s", strings.TrimPrefix(err.Error(), "secret: "))
		}
	case c.Database.URL != "":
		// Without keys a replica makes its own key file in its data
		// directory: a second replica, or the first in a new container,
		// could not read the names and contacts the other sealed.
		ps.add("security.encryption_keys", "required with database.url: every replica must seal with the same keys (see docs/operations.md)")
	}
	if _, err := secret.NewTextMask(c.Security.StudentNumber); err != nil {
		ps.add("security.student_number", "%s", err.Error())
	}
	o := c.Outbox
	for _, n := range []struct {
		key string
		v   int64
	}{
		{"outbox.batch", int64(o.Batch)},
		{"outbox.max_attempts", int64(o.MaxAttempts)},
	} {
		if n.v <= 0 {
			ps.add(n.key, "must be more than 0")
		}
	}
	if o.Backoff > 0 && o.MaxBackoff > 0 && o.Backoff > o.MaxBackoff {
		ps.add("outbox.backoff", "%s is more than outbox.max_backoff %s", o.Backoff, o.MaxBackoff)
	}
}

func (c *Config) validateUnits(ps *problems) {
	seen := map[string]int{}
	unitIDs := idsOf(c.Units, func(u Unit) string { return u.ID })
	for i, u := range c.Units {
		key := elemKey("units", unitIDs, i)
		checkID(ps, key+".id", u.ID, seen, i, "units")
		if strings.TrimSpace(u.Name) == "" {
			ps.add(key+".name", "required")
		}
		switch u.Chat.Platform {
		case PlatformLog:
		case PlatformWeCom:
			if u.Chat.RobotKey == "" {
				ps.add(key+".chat.robot_key", "required for platform %s", u.Chat.Platform)
			}
			if !c.WeCom.Enabled() {
				// Cards go out through the WeCom app: without it every
				// message to the unit would be dead-lettered.
				ps.add(key+".chat.platform", "wecom needs the wecom section (wecom.corp_id and the rest)")
			}
		case PlatformDingTalk, PlatformSandbox:
			// Named in the configuration's vocabulary, not yet delivered to:
			// refused rather than dead-lettering every message.
			ps.add(key+".chat.platform", "%s is not available in this version: use wecom or log", u.Chat.Platform)
		default:
			ps.add(key+".chat.platform", "%q: want wecom or log", u.Chat.Platform)
		}
	}
}

func (c *Config) validateMembers(ps *problems) {
	seen := map[string]int{}
	chatUsers := map[string]string{}
	memberIDs := idsOf(c.Members, func(m Member) string { return m.ID })
	for i, m := range c.Members {
		key := elemKey("members", memberIDs, i)
		checkID(ps, key+".id", m.ID, seen, i, "members")
		if strings.TrimSpace(m.Name) == "" {
			ps.add(key+".name", "required")
		}
		if len(m.Roles) == 0 {
			ps.add(key+".roles", "at least one role is required")
		}
		for j, r := range m.Roles {
			if !cases.Role(r).Valid() {
				ps.add(fmt.Sprintf("%s.roles[%d]", key, j), "unknown role %q: want %s", r, roleNames())
			}
		}
		if m.Unit != "" {
			if _, ok := c.Unit(m.Unit); !ok {
				ps.add(key+".unit", "unknown unit %q", m.Unit)
			}
		} else if slices.Contains(m.Roles, string(cases.RoleHandler)) || slices.Contains(m.Roles, string(cases.RoleUnitHead)) {
			ps.add(key+".unit", "required for a handler or unit_head")
		}
		// A button press is mapped to one member; two members with one chat
		// identity would make that a guess.
		for _, cu := range []struct{ field, user string }{{"wecom_user", m.WeComUser}, {"dingtalk_user", m.DingTalkUser}} {
			if cu.user == "" {
				continue
			}
			k := cu.field + "\x00" + cu.user
			if prev, dup := chatUsers[k]; dup {
				ps.add(key+"."+cu.field, "%q is also %s's", cu.user, prev)
			} else {
				chatUsers[k] = m.ID
			}
		}
	}
}

// validateHeads checks units[].head and units[].leader against the members.
func (c *Config) validateHeads(ps *problems) {
	needLeader := c.notifies(NotifyVicePresident)
	unitIDs := idsOf(c.Units, func(u Unit) string { return u.ID })
	for i, u := range c.Units {
		key := elemKey("units", unitIDs, i)
		if u.Head == "" {
			ps.add(key+".head", "required: the member who receives the unit's escalations")
		} else if m, ok := c.Member(u.Head); !ok {
			ps.add(key+".head", "unknown member %q", u.Head)
		} else {
			if m.Unit != u.ID {
				ps.add(key+".head", "member %q is in unit %q, not %q", u.Head, m.Unit, u.ID)
			}
			if !slices.Contains(m.Roles, string(cases.RoleUnitHead)) {
				ps.add(key+".head", "member %q lacks role unit_head", u.Head)
			}
		}
		if u.Leader == "" {
			if needLeader {
				ps.add(key+".leader", "required because an escalation step notifies vice_president")
			}
		} else if m, ok := c.Member(u.Leader); !ok {
			ps.add(key+".leader", "unknown member %q", u.Leader)
		} else if !slices.Contains(m.Roles, string(cases.RoleLeader)) {
			ps.add(key+".leader", "member %q lacks role leader", u.Leader)
		}
	}
}

func (c *Config) validateCategories(ps *problems) {
	seen := map[string]int{}
	categoryIDs := idsOf(c.Categories, func(k Category) string { return k.ID })
	for i, k := range c.Categories {
		key := elemKey("categories", categoryIDs, i)
		checkID(ps, key+".id", k.ID, seen, i, "categories")
		if strings.TrimSpace(k.Name) == "" {
			ps.add(key+".name", "required")
		}
		if !cases.Tier(k.Tier).Valid() {
			ps.add(key+".tier", "%q: want urgent, essential or general", k.Tier)
		}
		if k.LeadUnit == "" {
			ps.add(key+".lead_unit", "required")
		} else if _, ok := c.Unit(k.LeadUnit); !ok {
			ps.add(key+".lead_unit", "unknown unit %q", k.LeadUnit)
		}
		for j, co := range k.CoUnits {
			ck := fmt.Sprintf("%s.co_units[%d]", key, j)
			switch {
			case co == k.LeadUnit:
				ps.add(ck, "%q is the lead unit", co)
			case slices.Index(k.CoUnits, co) < j:
				ps.add(ck, "%q given twice", co)
			default:
				if _, ok := c.Unit(co); !ok {
					ps.add(ck, "unknown unit %q", co)
				}
			}
		}
		for j, w := range k.Keywords {
			if strings.TrimSpace(w) == "" {
				ps.add(fmt.Sprintf("%s.keywords[%d]", key, j), "empty keyword would match everything")
			}
		}
	}
	for _, list := range []struct {
		key   string
		words []string
	}{
		{"routing.urgent_words", c.Routing.UrgentWords},
		{"routing.essential_words", c.Routing.EssentialWords},
		{"routing.official_words", c.Routing.OfficialWords},
		{"routing.places", c.Routing.Places},
	} {
		for j, w := range list.words {
			if strings.TrimSpace(w) == "" {
				ps.add(fmt.Sprintf("%s[%d]", list.key, j), "empty word would match everything")
			}
		}
	}
}

func (c *Config) validateTiers(ps *problems) {
	for _, t := range cases.Tiers {
		tier, _ := c.Tier(t)
		key := "tiers." + string(t)
		if strings.TrimSpace(tier.Label) == "" {
			ps.add(key+".label", "required")
		}
		if tier.ContactWithin > 0 && tier.ResolveWithin > 0 && tier.ContactWithin > tier.ResolveWithin {
			ps.add(key+".contact_within", "%s is after resolve_within %s", tier.ContactWithin, tier.ResolveWithin)
		}
	}
}

func (c *Config) validateEscalation(ps *problems) {
	hasRole := func(r cases.Role) bool { return len(c.MembersWithRole(r)) > 0 }
	for _, t := range cases.Tiers {
		tier, _ := c.Tier(t)
		for i, s := range c.Steps(t) {
			key := fmt.Sprintf("escalation.%s[%d]", t, i)
			if at, err := cases.ParseStepTime(s.At); err != nil {
				ps.add(key+".at", "%v", err)
			} else if tier.ContactWithin > 0 && tier.ResolveWithin > 0 && at.After(tier.ContactWithin, tier.ResolveWithin) < 0 {
				ps.add(key+".at", "%q falls before dispatch in tier %s", s.At, t)
			}
			if !s.If.Known() {
				ps.add(key+".if", "%q: want not_accepted, not_contacted or not_resolved", s.If)
			}
			if len(s.Notify) == 0 {
				ps.add(key+".notify", "at least one target is required")
			}
			for j, target := range s.Notify {
				nk := fmt.Sprintf("%s.notify[%d]", key, j)
				if id, ok := target.Member(); ok {
					if _, ok := c.Member(id); !ok {
						ps.add(nk, "unknown member %q", id)
					}
					continue
				}
				switch {
				case !target.Known():
					ps.add(nk, "unknown target %q: want unit_group, handler, unit_head, school_office, vice_president, discipline_office or member:<id>", target)
				case target == NotifySchoolOffice && !hasRole(cases.RoleSchoolOffice):
					ps.add(nk, "no member has role school_office")
				case target == NotifyDisciplineOffice && !hasRole(cases.RoleSupervisor):
					ps.add(nk, "no member has role supervisor")
				}
			}
		}
	}
}

// notifies reports whether any escalation step notifies target.
func (c *Config) notifies(target Target) bool {
	for _, t := range cases.Tiers {
		for _, s := range c.Steps(t) {
			if slices.Contains(s.Notify, target) {
				return true
			}
		}
	}
	return false
}

// elemKey names element i of a list in a problem by its id, as the
// environment's variables do (units.logistics), so that the file can be
// searched for it; by its position (units[6]) while its id is missing,
// malformed or shared, and so names nothing alone, or would read as a path
// (a '.' in it) or a position (only digits).
func elemKey(list string, ids []string, i int) string {
	id := ids[i]
	if validID(id) && count(ids, id) == 1 && !strings.Contains(id, ".") && strings.Trim(id, "0123456789") != "" {
		return list + "." + id
	}
	return fmt.Sprintf("%s[%d]", list, i)
}

func count(ids []string, id string) int {
	n := 0
	for _, x := range ids {
		if x == id {
			n++
		}
	}
	return n
}

func idsOf[T any](list []T, id func(T) string) []string {
	ids := make([]string, len(list))
	for i, x := range list {
		ids[i] = id(x)
	}
	return ids
}

// checkID requires a well-formed id that no earlier entry of list has.
func checkID(ps *problems, key, id string, seen map[string]int, i int, list string) {
	switch {
	case id == "":
		ps.add(key, "required")
	case !validID(id):
		ps.add(key, "%q: use letters, digits, '-', '_' or '.'", id)
	default:
		if prev, dup := seen[id]; dup {
			ps.add(key, "duplicate id %q (also %s[%d])", id, list, prev)
			return
		}
		seen[id] = i
	}
}

// validID keeps ids safe inside member:<id> targets, comma-separated lists
// and URLs.
func validID(id string) bool {
	for i, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			(i > 0 && (r == '-' || r == '_' || r == '.'))
		if !ok {
			return false
		}
	}
	return id != ""
}

func roleNames() string {
	names := make([]string, len(cases.Roles))
	for i, r := range cases.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
