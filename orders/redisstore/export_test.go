package redisstore

import "context"

// ForgetLimits drops a household's limit counters of day, as their expiry
// does.
func (s *Store) ForgetLimits(ctx context.Context, day, household string) error {
	return s.rdb.Del(ctx, s.k.limits(day, household)).Err()
}
