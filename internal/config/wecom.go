package config

import (
	"fmt"
	"strconv"
)

// ChatGroup is the key of the unit's group on its platform: chat.group, or
// the unit's id when none is configured (the log and the sandbox need none,
// and a WeCom group is reached through its robot key). The outbox addresses
// the group by it and each platform's sender finds its settings by it.
func (u Unit) ChatGroup() string {
	if u.Chat.Group != "" {
		return u.Chat.Group
	}
	return u.ID
}

// HandlerLists reports whether the unit names platform lists (departments
// or tags) for its handlers, rather than leaving them to its members.
func (u Unit) HandlerLists() bool {
	return len(u.Chat.Departments) > 0 || len(u.Chat.Tags) > 0
}

// validateWeComUnits checks units[].chat.departments and .tags: WeCom
// department and tag ids are positive integers, and a mistyped one would
// only show as a card that reached nobody.
func (c *Config) validateWeComUnits(ps *problems) {
	unitIDs := idsOf(c.Units, func(u Unit) string { return u.ID })
	for i, u := range c.Units {
		key := elemKey("units", unitIDs, i)
		for field, ids := range map[string][]string{"departments": u.Chat.Departments, "tags": u.Chat.Tags} {
			for j, id := range ids {
				if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
					ps.add(fmt.Sprintf("%s.chat.%s[%d]", key, field, j), "%q: want a WeCom id, a positive whole number", id)
				}
			}
		}
		if u.HandlerLists() && u.Chat.Platform != PlatformWeCom && u.Chat.Platform != PlatformDingTalk {
			ps.add(key+".chat", "departments and tags need platform wecom or dingtalk, not %q", u.Chat.Platform)
		}
	}
}
