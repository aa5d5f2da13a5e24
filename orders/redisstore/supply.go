package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// What suppliers report:
//
//	bg:{c}:short:<day>:<sku>  STRING orders.Shortfall JSON; kept as long
//	                          as job marks (jobTTL)
func (k keys) shortfall(day, sku string) string { return k.p + "short:" + day + ":" + sku }

// Shortfall implements the actions' stores.
func (s *Store) Shortfall(ctx context.Context, day, sku string) (orders.Shortfall, error) {
	data, err := s.rdb.Get(ctx, s.k.shortfall(day, sku)).Bytes()
	if errors.Is(err, redis.Nil) {
		return orders.Shortfall{}, fmt.Errorf("shortfall of %s on %s: %w", sku, day, orders.ErrNotFound)
	}
	if err != nil {
		return orders.Shortfall{}, fmt.Errorf("shortfall: %w", err)
	}
	var f orders.Shortfall
	if err := json.Unmarshal(data, &f); err != nil {
		return orders.Shortfall{}, fmt.Errorf("shortfall: %w", err)
	}
	return f, nil
}

// SetShortfall implements the actions' stores.
func (s *Store) SetShortfall(ctx context.Context, f orders.Shortfall) error {
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("shortfall: %w", err)
	}
	if err := s.rdb.Set(ctx, s.k.shortfall(f.Day, f.SKU), data, jobTTL).Err(); err != nil {
		return fmt.Errorf("shortfall: %w", err)
	}
	return nil
}
