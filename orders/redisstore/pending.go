package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// SavePending keeps p as the order openid's voice message asked for,
// waiting for their 是, for ttl: it replaces the one waiting before.
func (s *Store) SavePending(ctx context.Context, openid string, p orders.Pending, ttl time.Duration) error {
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("save pending order: %w", err)
	}
	if err := s.rdb.Set(ctx, s.k.pending(openid), data, ttl).Err(); err != nil {
		return fmt.Errorf("save pending order: %w", err)
	}
	return nil
}

// TakePending returns the order waiting for openid's 是 and removes it in
// the same step (GETDEL), so of two takes only one gets it. It returns
// orders.ErrNotFound when none waits (never saved, taken, or expired).
func (s *Store) TakePending(ctx context.Context, openid string) (orders.Pending, error) {
	var p orders.Pending
	if err := readJSON(s.rdb.GetDel(ctx, s.k.pending(openid)), "pending order", &p); err != nil {
		return orders.Pending{}, err
	}
	return p, nil
}

// readJSON decodes the JSON value cmd read into v, and returns an error
// about what wrapping orders.ErrNotFound when the key was missing.
func readJSON(cmd *redis.StringCmd, what string, v any) error {
	data, err := cmd.Bytes()
	if errors.Is(err, redis.Nil) {
		return fmt.Errorf("%s: %w", what, orders.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	return nil
}
