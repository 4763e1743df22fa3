package unitchat

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
)

// ErrStranger is a platform user who is neither a configured member nor,
// by the platform's address book, in any unit.
var ErrStranger = errors.New("not a member of any unit")

// People says who a platform user is: the configured member whose
// wecom_user or dingtalk_user they are, or else, by the platform's address
// book, a handler of the unit whose departments hold them. Such members
// act under the id "<platform>:<user>" (the outbox reaches them by it).
type People struct {
	cfg   *config.Config
	books map[string]bot.AddressBook
}

// NewPeople returns the people of cfg, completed by books (by platform
// name; none is fine).
func NewPeople(cfg *config.Config, books map[string]bot.AddressBook) *People {
	return &People{cfg: cfg, books: books}
}

// Actor returns the actor for user on platform, or an error wrapping
// ErrStranger.
func (p *People) Actor(ctx context.Context, platform, user string) (cases.Actor, error) {
	if m, ok := p.cfg.MemberByChatUser(platform, user); ok {
		return p.cfg.Actor(m.ID)
	}
	book, ok := p.books[platform]
	if !ok || user == "" {
		return cases.Actor{MemberID: platform + ":" + user}, fmt.Errorf("%s user %q: %w", platform, user, ErrStranger)
	}
	name, unit, err := book.Lookup(ctx, user)
	if errors.Is(err, bot.ErrNoUnit) {
		return cases.Actor{MemberID: platform + ":" + user, Name: name}, fmt.Errorf("%s user %q: %w", platform, user, ErrStranger)
	}
	if err != nil {
		return cases.Actor{}, fmt.Errorf("look up %s user %q: %w", platform, user, err)
	}
	if _, ok := p.cfg.Unit(unit); !ok {
		return cases.Actor{MemberID: platform + ":" + user, Name: name}, fmt.Errorf("%s user %q in unknown unit %q: %w", platform, user, unit, ErrStranger)
	}
	return cases.Actor{MemberID: platform + ":" + user, Name: name, Unit: unit, Roles: []cases.Role{cases.RoleHandler}}, nil
}

// Name is a member's name for people to read, by member id.
func (p *People) Name(ctx context.Context, memberID string) string {
	if m, ok := p.cfg.Member(memberID); ok {
		return m.Name
	}
	platform, user, ok := strings.Cut(memberID, ":")
	if book, found := p.books[platform]; ok && found {
		if name, _, err := book.Lookup(ctx, user); name != "" && (err == nil || errors.Is(err, bot.ErrNoUnit)) {
			return name
		}
	}
	return memberID
}
