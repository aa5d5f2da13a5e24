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
	data, err := s.rdb.GetDel(ctx, s.k.pending(openid)).Bytes()
	if errors.Is(err, redis.Nil) {
		return orders.Pending{}, fmt.Errorf("pending order: %w", orders.ErrNotFound)
	}
	if err != nil {
		return orders.Pending{}, fmt.Errorf("take pending order: %w", err)
	}
	var p orders.Pending
	if err := json.Unmarshal(data, &p); err != nil {
		return orders.Pending{}, fmt.Errorf("decode pending order: %w", err)
	}
	return p, nil
}
