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
//	                          as job marks (jobTTL); written only with
//	                          the cut it counts (CutShortfall)
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

// CutShortfall implements the actions' stores: the cut and the record's
// move are one script (revise.lua), so a second report, a cancel or a
// delivery landing between a report's plan and its cut never makes a cut
// twice, cut a closed order or give a limit back twice.
func (s *Store) CutShortfall(ctx context.Context, id string, rec orders.Shortfall, was int, cut func(*orders.Order) (orders.Line, error)) (orders.Order, orders.Line, error) {
	var taken orders.Line
	o, err := s.revise(ctx, id, func(o *orders.Order) ([]orders.Line, error) {
		var err error
		if taken, err = cut(o); err != nil {
			return nil, err
		}
		return []orders.Line{taken}, nil
	}, &shortGuard{was: was, rec: func(back []orders.Line) orders.Shortfall {
		rec.Qty = was + back[0].Qty
		return rec
	}})
	if err != nil {
		return o, orders.Line{}, err
	}
	return o, taken, nil
}
