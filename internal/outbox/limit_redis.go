package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jiesu/jiesu/bot"
)

// RedisLimiter is the Limiter shared by every replica: one sorted set of
// send times per key, checked and added to by one script so that two
// replicas never both take the last slot. Times come from the caller's
// clock, not Redis's, so the windows follow the same clock as the rest of
// the outbox (and a test's fake one). All keys of one Take must live on
// one Redis node; jiesu uses a single Redis, not a cluster.
type RedisLimiter struct {
	client *redis.Client
	prefix string
}

// NewRedisLimiter keeps its sets under prefix+key.
func NewRedisLimiter(client *redis.Client, prefix string) *RedisLimiter {
	return &RedisLimiter{client: client, prefix: prefix}
}

// takeScript: KEYS are the limits' sets; ARGV[1] is now in ms, ARGV[2] a
// unique member for this send, then max and window (ms) per key. It
// returns 0 when it counted the send, else the earliest ms at which every
// set has room.
var takeScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local retry = 0
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[1 + 2*i])
  local window = tonumber(ARGV[2 + 2*i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= max then
    local e = redis.call('ZRANGE', key, n - max, n - max, 'WITHSCORES')
    local at = tonumber(e[2]) + window
    if at > retry then retry = at end
  end
end
if retry > 0 then return retry end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 + 2*i]))
end
return 0
`)

// Take implements Limiter.
func (r *RedisLimiter) Take(ctx context.Context, now time.Time, limits []bot.Limit) (bool, time.Time, error) {
	if len(limits) == 0 {
		return true, time.Time{}, nil
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	keys := make([]string, len(limits))
	args := []any{now.UnixMilli(), strconv.FormatInt(now.UnixMilli(), 10) + ":" + hex.EncodeToString(b[:])}
	for i, l := range limits {
		keys[i] = r.prefix + l.Key
		args = append(args, l.Max, l.Window.Milliseconds())
	}
	retry, err := takeScript.Run(ctx, r.client, keys, args...).Int64()
	if err != nil {
		return false, time.Time{}, fmt.Errorf("rate limit: %w", err)
	}
	if retry == 0 {
		return true, time.Time{}, nil
	}
	return false, time.UnixMilli(retry).In(now.Location()), nil
}
