package wechat

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Nonces remembers signed callback queries with the body each came with.
type Nonces interface {
	// Bind ties key (a query's timestamp and nonce) to sum (its body's
	// hash) for ttl. It reports false when key is tied to another sum.
	Bind(ctx context.Context, key, sum string, ttl time.Duration) (bool, error)
}

// RedisNonces keeps Nonces in Redis, shared by every replica: a replay
// sent to another replica is caught too.
type RedisNonces struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ Nonces = (*RedisNonces)(nil)

// NewRedisNonces keeps nonces under "bg:wechat:<app id>:nonce:…".
func NewRedisNonces(rdb redis.UniversalClient, appID string) *RedisNonces {
	return NewRedisNoncesAt(rdb, "bg:wechat:"+appID+":nonce:")
}

// NewRedisNoncesAt keeps nonces under prefix: an account of one
// community keeps them among the community's keys, where the message
// path ties a message's signature in the step that claims it (see
// Handler.NoncesInAnswer).
func NewRedisNoncesAt(rdb redis.UniversalClient, prefix string) *RedisNonces {
	return &RedisNonces{rdb: rdb, prefix: prefix}
}

var bindScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if v == ARGV[1] then
  return 1
end
return 0`)

// Bind implements Nonces.
func (n *RedisNonces) Bind(ctx context.Context, key, sum string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		ttl = time.Hour
	}
	ok, err := bindScript.Run(ctx, n.rdb, []string{n.prefix + key}, sum, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("bind nonce: %w", err)
	}
	return ok == 1, nil
}
