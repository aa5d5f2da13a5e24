package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// listTTL keeps a 接龙 snapshot for re-pastes over a few days: the same
// list is re-posted as it grows, rarely for longer than a delivery round.
const listTTL = 7 * 24 * time.Hour

// Leads implements orders.Store.
func (s *Store) Leads(ctx context.Context) ([]orders.Lead, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.leads()).Result()
	if err != nil {
		return nil, fmt.Errorf("leads: %w", err)
	}
	out := make([]orders.Lead, 0, len(m))
	for openid, v := range m {
		l := orders.Lead{OpenID: openid}
		if err := json.Unmarshal([]byte(v), &l.Buildings); err != nil {
			return nil, fmt.Errorf("lead %s: %w", openid, err)
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OpenID < out[j].OpenID })
	return out, nil
}

// AddLead implements orders.Store.
func (s *Store) AddLead(ctx context.Context, l orders.Lead) error {
	b, err := json.Marshal(l.Buildings)
	if err != nil {
		return fmt.Errorf("add lead: %w", err)
	}
	if err := s.rdb.HSet(ctx, s.k.leads(), l.OpenID, string(b)).Err(); err != nil {
		return fmt.Errorf("add lead: %w", err)
	}
	return nil
}

// RemoveLead implements orders.Store.
func (s *Store) RemoveLead(ctx context.Context, openid string) error {
	n, err := s.rdb.HDel(ctx, s.k.leads(), openid).Result()
	if err != nil {
		return fmt.Errorf("remove lead: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("lead: %w", orders.ErrNotFound)
	}
	return nil
}

var listForScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return ARGV[1]
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return cur`)

// ListFor implements orders.Store.
func (s *Store) ListFor(ctx context.Context, key, fresh string, idle time.Duration) (string, error) {
	id, err := listForScript.Run(ctx, s.rdb, []string{s.k.listRound(key)}, fresh, int(idle/time.Second)).Text()
	if err != nil {
		return "", fmt.Errorf("list round: %w", err)
	}
	return id, nil
}

// ListEntries implements orders.Store.
func (s *Store) ListEntries(ctx context.Context, listID string) (map[string]orders.ListEntry, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.list(listID)).Result()
	if err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	out := make(map[string]orders.ListEntry, len(m))
	for hh, v := range m {
		var e orders.ListEntry
		if err := json.Unmarshal([]byte(v), &e); err != nil {
			return nil, fmt.Errorf("list entry %s: %w", hh, err)
		}
		out[hh] = e
	}
	return out, nil
}

// SetListEntry implements orders.Store.
func (s *Store) SetListEntry(ctx context.Context, listID string, e orders.ListEntry) error {
	b, _ := json.Marshal(e)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.k.list(listID), e.Household, string(b))
		p.Expire(ctx, s.k.list(listID), listTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("set list entry: %w", err)
	}
	return nil
}

// DeleteListEntry implements orders.Store.
func (s *Store) DeleteListEntry(ctx context.Context, listID, household string) error {
	if err := s.rdb.HDel(ctx, s.k.list(listID), household).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("delete list entry: %w", err)
	}
	return nil
}
