package cache

import (
	"context"
	"time"
)

// Shared is the cache replicas share through Redis, with an in-process
// Memory standing in for it while Redis does not answer: a Redis outage
// costs replicas their sharing (each fetches its own access token, each
// remembers only the callbacks it saw; the database's unique keys still
// refuse a second case), never a request. The Breaker keeps calls from
// waiting on a Redis that is down.
type Shared struct {
	redis   *Redis
	local   *Memory
	breaker *Breaker
	// fellBack, when set, hears each call that Redis did not serve.
	fellBack func()
}

// NewShared serves from r while breaker lets it, else from local.
func NewShared(r *Redis, local *Memory, breaker *Breaker, fellBack func()) *Shared {
	if fellBack == nil {
		fellBack = func() {}
	}
	return &Shared{redis: r, local: local, breaker: breaker, fellBack: fellBack}
}

// Close closes the Redis client.
func (s *Shared) Close() error { return s.redis.Close() }

// try runs call on Redis through the breaker; false: use the local cache.
func (s *Shared) try(call func() error) bool { return s.breaker.Try(call, s.fellBack) }

// Get implements Cache.
func (s *Shared) Get(key string) interface{} {
	ctx, cancel := s.redis.ctx()
	defer cancel()
	v, ok, err := s.GetString(ctx, key)
	if err != nil || !ok {
		return nil
	}
	return v
}

// Set implements Cache.
func (s *Shared) Set(key string, val interface{}, ttl time.Duration) error {
	if s.try(func() error { return s.redis.Set(key, val, ttl) }) {
		return nil
	}
	return s.local.Set(key, val, ttl)
}

// IsExist implements Cache.
func (s *Shared) IsExist(key string) bool {
	ctx, cancel := s.redis.ctx()
	defer cancel()
	var ok bool
	if s.try(func() (err error) { ok, err = s.redis.exists(ctx, key); return err }) {
		return ok
	}
	return s.local.IsExist(key)
}

// Delete implements Cache.
func (s *Shared) Delete(key string) error {
	if s.try(func() error { return s.redis.Delete(key) }) {
		return nil
	}
	return s.local.Delete(key)
}

// SetNX implements Cache.
func (s *Shared) SetNX(ctx context.Context, key, val string, ttl time.Duration) (bool, error) {
	var won bool
	if s.try(func() (err error) { won, err = s.redis.SetNX(ctx, key, val, ttl); return err }) {
		return won, nil
	}
	return s.local.SetNX(ctx, key, val, ttl)
}

// DeleteIf implements Cache.
func (s *Shared) DeleteIf(ctx context.Context, key, val string) (bool, error) {
	var done bool
	if s.try(func() (err error) { done, err = s.redis.DeleteIf(ctx, key, val); return err }) {
		return done, nil
	}
	return s.local.DeleteIf(ctx, key, val)
}

// GetString implements Cache.
func (s *Shared) GetString(ctx context.Context, key string) (string, bool, error) {
	var v string
	var ok bool
	if s.try(func() (err error) { v, ok, err = s.redis.GetString(ctx, key); return err }) {
		return v, ok, nil
	}
	return s.local.GetString(ctx, key)
}
