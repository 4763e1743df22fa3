package cache

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jiesu/jiesu/internal/clock"
)

// Memory is an in-process Cache, safe for concurrent use, with expiry by an
// injected clock.
type Memory struct {
	clock clock.Clock
	mu    sync.Mutex
	items map[string]item
}

type item struct {
	val     string
	expires time.Time // zero: never
}

// NewMemory returns an empty in-process cache; a nil clock is the real one.
func NewMemory(c clock.Clock) *Memory {
	if c == nil {
		c = clock.Real{}
	}
	return &Memory{clock: c, items: map[string]item{}}
}

// get returns a live item, dropping an expired one. The caller holds mu.
func (m *Memory) get(key string) (item, bool) {
	it, ok := m.items[key]
	if ok && !it.expires.IsZero() && !m.clock.Now().Before(it.expires) {
		delete(m.items, key)
		return item{}, false
	}
	return it, ok
}

func (m *Memory) expiry(ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return m.clock.Now().Add(ttl)
}

// Get returns the value as a string, or nil.
func (m *Memory) Get(key string) interface{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if it, ok := m.get(key); ok {
		return it.val
	}
	return nil
}

// Set stores val for ttl (0: no expiry).
func (m *Memory) Set(key string, val interface{}, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[key] = item{val: stringOf(val), expires: m.expiry(ttl)}
	return nil
}

// IsExist reports whether key holds a live value.
func (m *Memory) IsExist(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.get(key)
	return ok
}

// Delete removes key.
func (m *Memory) Delete(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, key)
	return nil
}

// SetNX stores val unless key is live.
func (m *Memory) SetNX(_ context.Context, key, val string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.get(key); ok {
		return false, nil
	}
	m.items[key] = item{val: val, expires: m.expiry(ttl)}
	return true, nil
}

// DeleteIf removes key while it holds val.
func (m *Memory) DeleteIf(_ context.Context, key, val string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if it, ok := m.get(key); !ok || it.val != val {
		return false, nil
	}
	delete(m.items, key)
	return true, nil
}

// GetString returns the value and whether it was there.
func (m *Memory) GetString(_ context.Context, key string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.get(key)
	return it.val, ok, nil
}

func fmtValue(v interface{}) string { return fmt.Sprint(v) }
