package auth

import (
	"strings"
	"sync"
	"time"

	"github.com/jiesu/jiesu/internal/clock"
)

// memberCache remembers which member a token hash belongs to, so that most
// requests cost no query. It keeps hits only: a miss remembered would keep
// a token created a moment later out until it expired.
type memberCache struct {
	clock clock.Clock
	ttl   time.Duration // not positive: the cache is off
	size  int

	mu      sync.Mutex
	entries map[string]cacheEntry
	// gen counts drops. A lookup that read the store before a drop must not
	// store what it read afterwards: the row may be gone by then, and the
	// stale entry would outlive the revocation by a whole TTL.
	gen uint64
}

type cacheEntry struct {
	member  string
	expires time.Time
}

func newMemberCache(c clock.Clock, ttl time.Duration, size int) *memberCache {
	return &memberCache{clock: c, ttl: ttl, size: size, entries: map[string]cacheEntry{}}
}

// get returns the cached member of hash, and the generation to hand back to
// put after asking the store instead.
func (c *memberCache) get(hash string) (member string, gen uint64, ok bool) {
	if c.ttl <= 0 {
		return "", 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if ok && c.clock.Now().Before(e.expires) {
		return e.member, c.gen, true
	}
	if ok {
		delete(c.entries, hash)
	}
	return "", c.gen, false
}

// put caches a lookup that found member, unless a drop happened since get
// returned gen.
func (c *memberCache) put(hash, member string, gen uint64) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	now := c.clock.Now()
	if _, ok := c.entries[hash]; !ok && len(c.entries) >= c.size {
		for h, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, h)
			}
		}
		// Still full of live entries: starting over costs one query per
		// token in use, which is cheaper than tracking which is oldest.
		if len(c.entries) >= c.size {
			clear(c.entries)
		}
	}
	c.entries[hash] = cacheEntry{member: member, expires: now.Add(c.ttl)}
}

// drop forgets every hash that starts with prefix.
func (c *memberCache) drop(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h := range c.entries {
		if strings.HasPrefix(h, prefix) {
			delete(c.entries, h)
		}
	}
	c.gen++
}
