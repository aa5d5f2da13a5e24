package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// Job runs started over the admin API, polled by their id on any replica:
//
//	bg:{c}:apirun:<id>  STRING the run's JSON (adminapi.RunJSON)
func (k keys) apiRun(id string) string { return k.p + "apirun:" + id }

// SaveRunRecord keeps a job run's record for ttl.
func (s *Store) SaveRunRecord(ctx context.Context, id string, data []byte, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.k.apiRun(id), data, ttl).Err(); err != nil {
		return fmt.Errorf("job run %s: %w", id, err)
	}
	return nil
}

// RunRecord returns a job run's record, or ErrNotFound.
func (s *Store) RunRecord(ctx context.Context, id string) ([]byte, error) {
	data, err := s.rdb.Get(ctx, s.k.apiRun(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("job run %s: %w", id, orders.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("job run %s: %w", id, err)
	}
	return data, nil
}
