package redisstore

import (
	"context"
	"fmt"
	"sort"
)

// BoundHouseholds implements the actions' stores.
func (s *Store) BoundHouseholds(ctx context.Context) ([]string, error) {
	hh, err := s.rdb.SMembers(ctx, s.k.bound()).Result()
	if err != nil {
		return nil, fmt.Errorf("bound households: %w", err)
	}
	sort.Strings(hh)
	return hh, nil
}

// DistributionEntries implements the actions' stores.
func (s *Store) DistributionEntries(ctx context.Context, id string) (map[string]string, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.distribution(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("distribution %s: %w", id, err)
	}
	return m, nil
}

// SetDistributionEntry implements the actions' stores. Distributions are kept (no
// expiry): "never two for the same household" must hold however late the
// same distribution is run again.
func (s *Store) SetDistributionEntry(ctx context.Context, id, household, orderID string) (bool, error) {
	ok, err := s.rdb.HSetNX(ctx, s.k.distribution(id), household, orderID).Result()
	if err != nil {
		return false, fmt.Errorf("distribution %s: %w", id, err)
	}
	return ok, nil
}
