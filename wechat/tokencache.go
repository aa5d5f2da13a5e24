package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"
)

// TokenCache keeps silenceper's cached values (the access_token above all)
// in Redis. WeChat invalidates the old access_token whenever a new one is
// fetched, so every replica must share one: a per-process cache would have
// replicas knock each other's tokens out.
type TokenCache struct {
	rdb     redis.UniversalClient
	prefix  string
	timeout time.Duration
	log     *slog.Logger
}

var _ cache.ContextCache = (*TokenCache)(nil)

// NewTokenCache stores values under "bg:wechat:<app id>:…".
func NewTokenCache(rdb redis.UniversalClient, appID string, log *slog.Logger) *TokenCache {
	return &TokenCache{rdb: rdb, prefix: "bg:wechat:" + appID + ":", timeout: 2 * time.Second, log: log}
}

func (c *TokenCache) ctx(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, c.timeout)
}

// Get implements cache.Cache.
func (c *TokenCache) Get(key string) any { return c.GetContext(context.Background(), key) }

// GetContext returns the value as a string, or nil when it is missing. The
// library type-asserts to string, so a []byte would panic there.
func (c *TokenCache) GetContext(ctx context.Context, key string) any {
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	v, err := c.rdb.Get(ctx, c.prefix+key).Result()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			c.log.Error("token cache get", "err", err)
		}
		return nil
	}
	return v
}

// Set implements cache.Cache.
func (c *TokenCache) Set(key string, val any, timeout time.Duration) error {
	return c.SetContext(context.Background(), key, val, timeout)
}

// SetContext stores val (a string or anything fmt can print) for timeout.
func (c *TokenCache) SetContext(ctx context.Context, key string, val any, timeout time.Duration) error {
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	s, ok := val.(string)
	if !ok {
		s = fmt.Sprint(val)
	}
	if err := c.rdb.Set(ctx, c.prefix+key, s, timeout).Err(); err != nil {
		return fmt.Errorf("token cache set: %w", err)
	}
	return nil
}

// IsExist implements cache.Cache.
func (c *TokenCache) IsExist(key string) bool { return c.IsExistContext(context.Background(), key) }

// IsExistContext implements cache.ContextCache.
func (c *TokenCache) IsExistContext(ctx context.Context, key string) bool {
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	n, err := c.rdb.Exists(ctx, c.prefix+key).Result()
	return err == nil && n > 0
}

// Delete implements cache.Cache.
func (c *TokenCache) Delete(key string) error { return c.DeleteContext(context.Background(), key) }

// DeleteContext implements cache.ContextCache.
func (c *TokenCache) DeleteContext(ctx context.Context, key string) error {
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	if err := c.rdb.Del(ctx, c.prefix+key).Err(); err != nil {
		return fmt.Errorf("token cache delete: %w", err)
	}
	return nil
}
