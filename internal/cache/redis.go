package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Cache on go-redis v9, shared by every replica. Keys are
// prefixed so that one Redis can serve several deployments.
type Redis struct {
	client *redis.Client
	prefix string
}

// Timeouts of a Redis client, unless the URL sets its own (dial_timeout,
// read_timeout, write_timeout, max_retries): short, because every caller
// has an in-process stand-in and some (a WeChat callback) a deadline of
// seconds in all, where go-redis's defaults would wait 5 s to dial, three
// times over.
const (
	redisDialTimeout = time.Second
	redisIOTimeout   = 500 * time.Millisecond
	redisMaxRetries  = 1
)

// NewRedis connects to a redis:// URL and checks that it answers.
func NewRedis(ctx context.Context, url, prefix string) (*Redis, error) {
	r, err := OpenRedis(url, prefix)
	if err != nil {
		return nil, err
	}
	if err := r.client.Ping(ctx).Err(); err != nil {
		_ = r.Close()
		return nil, fmt.Errorf("redis ping: %w", err)
	}
	return r, nil
}

// OpenRedis makes a client for a redis:// URL without waiting for Redis to
// answer: jiesu starts while Redis is down (Shared stands in for it).
func OpenRedis(url, prefix string) (*Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = redisDialTimeout
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = redisIOTimeout
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = redisIOTimeout
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = redisMaxRetries
	}
	if opts.DialerRetries == 0 {
		opts.DialerRetries = redisMaxRetries
	}
	return &Redis{client: redis.NewClient(opts), prefix: prefix}, nil
}

// Ping reports whether Redis answers.
func (r *Redis) Ping(ctx context.Context) error { return r.client.Ping(ctx).Err() }

// Client exposes the connection for other shared state (rate limits).
func (r *Redis) Client() *redis.Client { return r.client }

// Close closes the connection pool.
func (r *Redis) Close() error { return r.client.Close() }

func (r *Redis) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), opTimeout)
}

// Get returns the value as a string, or nil when absent or on error (the
// library then fetches a fresh token, which is the safe fallback).
func (r *Redis) Get(key string) interface{} {
	ctx, cancel := r.ctx()
	defer cancel()
	v, ok, err := r.GetString(ctx, key)
	if err != nil || !ok {
		return nil
	}
	return v
}

// Set stores val for ttl (0: no expiry).
func (r *Redis) Set(key string, val interface{}, ttl time.Duration) error {
	ctx, cancel := r.ctx()
	defer cancel()
	if err := r.client.Set(ctx, r.prefix+key, stringOf(val), ttl).Err(); err != nil {
		return fmt.Errorf("redis set: %w", err)
	}
	return nil
}

// IsExist reports whether key is present.
func (r *Redis) IsExist(key string) bool {
	ctx, cancel := r.ctx()
	defer cancel()
	ok, err := r.exists(ctx, key)
	return err == nil && ok
}

func (r *Redis) exists(ctx context.Context, key string) (bool, error) {
	n, err := r.client.Exists(ctx, r.prefix+key).Result()
	if err != nil {
		return false, fmt.Errorf("redis exists: %w", err)
	}
	return n > 0, nil
}

// Delete removes key.
func (r *Redis) Delete(key string) error {
	ctx, cancel := r.ctx()
	defer cancel()
	if err := r.client.Del(ctx, r.prefix+key).Err(); err != nil {
		return fmt.Errorf("redis del: %w", err)
	}
	return nil
}

// SetNX stores val unless key is present.
func (r *Redis) SetNX(ctx context.Context, key, val string, ttl time.Duration) (bool, error) {
	ok, err := r.client.SetNX(ctx, r.prefix+key, val, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redis setnx: %w", err)
	}
	return ok, nil
}

// deleteIf compares and deletes in one step on the server: a GET then a
// DEL from here could remove a value written between them.
var deleteIf = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// DeleteIf removes key while it holds val.
func (r *Redis) DeleteIf(ctx context.Context, key, val string) (bool, error) {
	n, err := deleteIf.Run(ctx, r.client, []string{r.prefix + key}, val).Int()
	if err != nil {
		return false, fmt.Errorf("redis delete if: %w", err)
	}
	return n > 0, nil
}

// GetString returns the value and whether it was there.
func (r *Redis) GetString(ctx context.Context, key string) (string, bool, error) {
	v, err := r.client.Get(ctx, r.prefix+key).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("redis get: %w", err)
	}
	return v, true, nil
}
