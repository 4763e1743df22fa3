package outbox

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
)

// complainantPlatforms maps a channel with a chat path back to the
// complainant onto the platform that carries it. Channels absent here
// (hotline, petition line, mailbox, OA, 12345) reach the complainant by
// phone or letter, outside jiesu.
var complainantPlatforms = map[cases.Channel]string{
	cases.ChannelWeChatOA: bot.PlatformWeChat,
	cases.ChannelWeb:      bot.PlatformSandbox,
	cases.ChannelWeCom:    bot.PlatformWeCom,
	cases.ChannelDingTalk: bot.PlatformDingTalk,
}

// Directory resolves recipients from the configuration: units' group chats
// and members' chat identities. It reads cfg on every call, so it needs no
// rebuilding if the configuration is swapped for a new value.
type Directory struct {
	cfg *config.Config
}

// NewDirectory returns a Directory over cfg.
func NewDirectory(cfg *config.Config) *Directory { return &Directory{cfg: cfg} }

// Resolve returns the addresses of to for case c: one for a unit or a
// member, one per platform for a role. An error wrapping ErrNoChatPath
// means there is nobody to send to by design (a hotline complainant);
// ErrUnknownRecipient means the configuration lacks the unit, the member or
// anyone holding the role.
func (d *Directory) Resolve(c cases.Case, to cases.Recipient) ([]bot.Address, error) {
	switch to.Kind {
	case cases.ToUnit:
		a, err := d.unit(to.ID)
		if err != nil {
			return nil, err
		}
		return []bot.Address{a}, nil
	case cases.ToMember:
		m, ok := d.cfg.Member(to.ID)
		if !ok {
			if a, ok := chatMember(to.ID); ok {
				return []bot.Address{a}, nil
			}
			return nil, fmt.Errorf("member %q: %w", to.ID, ErrUnknownRecipient)
		}
		platform, id := d.memberChat(m)
		return []bot.Address{{Platform: platform, Kind: bot.AddressUser, IDs: []string{id}, Label: "member:" + m.ID}}, nil
	case cases.ToRole:
		return d.role(to.ID)
	case cases.ToComplainant:
		return complainant(c)
	}
	return nil, fmt.Errorf("recipient kind %q: %w", to.Kind, ErrUnknownRecipient)
}

func (d *Directory) unit(id string) (bot.Address, error) {
	u, ok := d.cfg.Unit(id)
	if !ok {
		return bot.Address{}, fmt.Errorf("unit %q: %w", id, ErrUnknownRecipient)
	}
	platform := u.Chat.Platform
	if platform == "" {
		platform = bot.PlatformLog
	}
	// The log and the sandbox need no configured group: the unit is one.
	group := u.ChatGroup()
	var members []string
	for _, m := range d.cfg.UnitMembers(u.ID) {
		if id := chatID(m, platform); id != "" {
			members = append(members, id)
		}
	}
	return bot.Address{Platform: platform, Kind: bot.AddressGroup, IDs: []string{group}, Members: members, Label: "unit:" + u.ID}, nil
}

// role fans out to every member holding it, one address per platform, so
// a platform that can send to many users at once does.
func (d *Directory) role(role string) ([]bot.Address, error) {
	members := d.cfg.MembersWithRole(cases.Role(role))
	if len(members) == 0 {
		return nil, fmt.Errorf("role %q has no members: %w", role, ErrUnknownRecipient)
	}
	byPlatform := map[string][]string{}
	for _, m := range members {
		platform, id := d.memberChat(m)
		if !slices.Contains(byPlatform[platform], id) {
			byPlatform[platform] = append(byPlatform[platform], id)
		}
	}
	platforms := make([]string, 0, len(byPlatform))
	for p := range byPlatform {
		platforms = append(platforms, p)
	}
	slices.Sort(platforms)
	out := make([]bot.Address, 0, len(platforms))
	for _, p := range platforms {
		out = append(out, bot.Address{Platform: p, Kind: bot.AddressUser, IDs: byPlatform[p], Label: "role:" + role})
	}
	return out, nil
}

// memberChat picks where a member is reached privately: on their unit's
// chat platform when they have an identity there, else WeCom, else
// DingTalk, else the log (by member id). A unit that only logs does not
// stop its members being reached where they are.
func (d *Directory) memberChat(m config.Member) (platform, id string) {
	if u, ok := d.cfg.Unit(m.Unit); ok && u.Chat.Platform != "" && u.Chat.Platform != bot.PlatformLog {
		if id := chatID(m, u.Chat.Platform); id != "" {
			return u.Chat.Platform, id
		}
	}
	switch {
	case m.WeComUser != "":
		return bot.PlatformWeCom, m.WeComUser
	case m.DingTalkUser != "":
		return bot.PlatformDingTalk, m.DingTalkUser
	}
	return bot.PlatformLog, m.ID
}

// chatID is the member's id on platform; the log and the sandbox know
// members by their jiesu id.
func chatID(m config.Member, platform string) string {
	switch platform {
	case bot.PlatformWeCom:
		return m.WeComUser
	case bot.PlatformDingTalk:
		return m.DingTalkUser
	case bot.PlatformLog, bot.PlatformSandbox, "":
		return m.ID
	}
	return ""
}

func complainant(c cases.Case) ([]bot.Address, error) {
	platform, ok := complainantPlatforms[c.Channel]
	if !ok {
		return nil, fmt.Errorf("channel %s has no chat path; the complainant is answered by phone or letter: %w", c.Channel, ErrNoChatPath)
	}
	if c.Complainant.Identity == "" {
		return nil, fmt.Errorf("complainant of %s has no identity on %s: %w", c.Number, platform, ErrNoChatPath)
	}
	return []bot.Address{{Platform: platform, Kind: bot.AddressUser, IDs: []string{c.Complainant.Identity}, Label: "complainant"}}, nil
}

// chatMember reads the id of a member known from a platform's address book
// rather than the configuration, "wecom:ZhangSan" (see
// internal/unitchat): they are reached on that platform by that user id.
func chatMember(id string) (bot.Address, bool) {
	platform, user, ok := strings.Cut(id, ":")
	if !ok || user == "" || (platform != bot.PlatformWeCom && platform != bot.PlatformDingTalk) {
		return bot.Address{}, false
	}
	return bot.Address{Platform: platform, Kind: bot.AddressUser, IDs: []string{user}, Label: "member:" + id}, true
}
