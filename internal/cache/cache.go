// Package cache holds short-lived shared values: platform access tokens and
// callback dedup marks. It implements silenceper/wechat's cache.Cache over
// our own stores, because the library's memory cache races and its Redis
// cache is go-redis v8: Memory is the in-process default, Redis (go-redis
// v9) is shared by replicas.
package cache

import (
	"context"
	"time"
)

// Cache is silenceper/wechat's cache.Cache plus the context-aware calls and
// the atomic set-if-absent that jiesu's own code uses.
type Cache interface {
	// Get returns the value as a string (the library type-asserts access
	// tokens to string), or nil when absent.
	Get(key string) interface{}
	Set(key string, val interface{}, ttl time.Duration) error
	IsExist(key string) bool
	Delete(key string) error

	// SetNX stores val only if key is absent and reports whether it did:
	// the first of several concurrent callers wins.
	SetNX(ctx context.Context, key, val string, ttl time.Duration) (bool, error)
	// GetString returns the value and whether it was there.
	GetString(ctx context.Context, key string) (string, bool, error)
	// DeleteIf removes key only while it holds val, in one step, and
	// reports whether it did: a caller drops its own value (a lock it
	// took, a token it saw refused), never one another replica has put
	// there since it looked.
	DeleteIf(ctx context.Context, key, val string) (bool, error)
}

// opTimeout bounds the library's context-free calls on Redis.
const opTimeout = 2 * time.Second

// stringOf renders what the library stores: tokens are strings; anything
// else is kept in its fmt form, which the library never reads back.
func stringOf(v interface{}) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	}
	return fmtValue(v)
}
