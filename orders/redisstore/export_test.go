package redisstore

import (
	"context"
	"time"
)

// ForgetLimits drops a household's limit counters of day, as their expiry
// does.
func (s *Store) ForgetLimits(ctx context.Context, day, household string) error {
	return s.rdb.Del(ctx, s.k.limits(day, household)).Err()
}

// LimitsTTL returns how long the household's limit counters of day live
// (-2 ns: there are none).
func (s *Store) LimitsTTL(ctx context.Context, day, household string) (time.Duration, error) {
	return s.rdb.PTTL(ctx, s.k.limits(day, household)).Result()
}
