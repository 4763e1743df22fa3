package bot

import (
	"context"
	"errors"
)

// ErrNoUnit is a person the platform's address book places in no unit.
var ErrNoUnit = errors.New("the address book places the person in no unit")

// AddressBook maps a platform's user to their name and unit from the
// platform's own directory (a WeCom department), for people the
// configuration does not list. An error wrapping ErrNoUnit means the
// person is known to belong to no unit.
type AddressBook interface {
	Lookup(ctx context.Context, userID string) (name, unit string, err error)
}
