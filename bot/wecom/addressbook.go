package wecom

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jiesu/jiesu/bot"
)

// DefaultDirectoryTTL is how long a member's unit and a unit's department
// tree are trusted before the address book is asked again.
const DefaultDirectoryTTL = 10 * time.Minute

// AddressBook places WeCom members in units by their departments, for
// members the configuration does not list: a unit's handlers are the
// members of its departments (units[].chat.departments) and of every
// department below them.
type AddressBook struct {
	client *Client
	units  []UnitDepartments
	cache  MemberCache
	ttl    time.Duration
}

// MemberCache keeps looked-up members, shared by replicas when it is
// Redis; internal/cache.Cache is one.
type MemberCache interface {
	GetString(ctx context.Context, key string) (string, bool, error)
	Set(key string, val interface{}, ttl time.Duration) error
}

// UnitDepartments are a unit's WeCom departments, in configuration order:
// a member in the departments of two units belongs to the first.
type UnitDepartments struct {
	Unit        string
	Departments []int64
}

// NewAddressBook returns an address book over client; lookups are cached
// in cache (shared by replicas when it is Redis) for ttl (0: the default).
func NewAddressBook(client *Client, units []UnitDepartments, cache MemberCache, ttl time.Duration) *AddressBook {
	if ttl <= 0 {
		ttl = DefaultDirectoryTTL
	}
	return &AddressBook{client: client, units: units, cache: cache, ttl: ttl}
}

// Lookup returns the member's name and unit, or an error wrapping
// bot.ErrNoUnit.
func (a *AddressBook) Lookup(ctx context.Context, userID string) (name, unit string, err error) {
	key := "wecom:member:" + userID
	if v, ok, err := a.cache.GetString(ctx, key); err == nil && ok {
		unit, name, _ := strings.Cut(v, "\x00")
		if unit == "" {
			return name, "", fmt.Errorf("wecom member %s: %w", userID, bot.ErrNoUnit)
		}
		return name, unit, nil
	}
	u, err := a.client.UserGet(ctx, userID)
	if err != nil {
		return "", "", err
	}
	// The main department decides first, then the others in their order.
	depts := u.Department
	if u.MainDepartment != 0 {
		depts = append([]int64{u.MainDepartment}, depts...)
	}
	for _, d := range depts {
		for _, ud := range a.units {
			tree, err := a.tree(ctx, ud)
			if err != nil {
				return "", "", err
			}
			if slices.Contains(tree, d) {
				unit = ud.Unit
				break
			}
		}
		if unit != "" {
			break
		}
	}
	// Both answers are kept, so that a stranger pressing repeatedly does
	// not cost an API call each time.
	_ = a.cache.Set(key, unit+"\x00"+u.Name, a.ttl)
	if unit == "" {
		return u.Name, "", fmt.Errorf("wecom member %s: %w", userID, bot.ErrNoUnit)
	}
	return u.Name, unit, nil
}

// tree returns a unit's departments with every department below them.
func (a *AddressBook) tree(ctx context.Context, ud UnitDepartments) ([]int64, error) {
	key := "wecom:departments:" + ud.Unit
	if v, ok, err := a.cache.GetString(ctx, key); err == nil && ok {
		return parseIDs(v), nil
	}
	var all []int64
	for _, d := range ud.Departments {
		list, err := a.client.DepartmentList(ctx, d)
		if err != nil {
			return nil, err
		}
		all = append(all, d)
		for _, sub := range list {
			if !slices.Contains(all, sub.ID) {
				all = append(all, sub.ID)
			}
		}
	}
	parts := make([]string, len(all))
	for i, id := range all {
		parts[i] = strconv.FormatInt(id, 10)
	}
	_ = a.cache.Set(key, strings.Join(parts, ","), a.ttl)
	return all, nil
}

func parseIDs(s string) []int64 {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}
