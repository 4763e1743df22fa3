// Package cachetest gives tests a real Redis with keys of their own, the
// way storetest gives them a database.
package cachetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cache"
)

// DefaultRedisURL is the Redis the tests use when JIESU_TEST_REDIS_URL is
// not set.
const DefaultRedisURL = "redis://127.0.0.1:6379/0"

// RedisURL is the Redis the tests use.
func RedisURL() string {
	if url := os.Getenv("JIESU_TEST_REDIS_URL"); url != "" {
		return url
	}
	return DefaultRedisURL
}

// UniquePrefix is a key prefix no other test uses, so tests sharing one
// Redis never see each other's keys.
func UniquePrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "jiesu-test-" + hex.EncodeToString(b[:]) + ":"
}

// Unavailable ends a test that cannot reach Redis: it skips, unless CI or
// JIESU_REQUIRE_SERVICES is set, where a missing Redis is a failure.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") != "" || os.Getenv("JIESU_REQUIRE_SERVICES") != "" {
		t.Fatalf("redis required: %v", err)
	}
	t.Skipf("redis not reachable (%v); start redis-server or run .ci/run", err)
}

// NewRedis connects to the test Redis with a unique key prefix and closes
// it when the test ends.
func NewRedis(t testing.TB) *cache.Redis {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	r, err := cache.NewRedis(ctx, RedisURL(), UniquePrefix())
	if err != nil {
		Unavailable(t, err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// Ping reports whether the test Redis answers.
func Ping(ctx context.Context) error {
	r, err := cache.NewRedis(ctx, RedisURL(), UniquePrefix())
	if err != nil {
		return err
	}
	return r.Close()
}
