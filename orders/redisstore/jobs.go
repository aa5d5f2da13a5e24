package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// jobTTL keeps rosters, day closings and job marks long enough for any
// catch-up or re-run of a slot (same day) and for volunteers' 任务 during
// the round.
const jobTTL = 7 * 24 * time.Hour

func slotKey(slot time.Time) string { return strconv.FormatInt(slot.Unix(), 10) }

// SaveRoster implements the actions' stores.
func (s *Store) SaveRoster(ctx context.Context, r orders.Roster) (orders.Roster, bool, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return orders.Roster{}, false, fmt.Errorf("save roster: %w", err)
	}
	k := s.k.roster(r.Grid, slotKey(r.Slot))
	ok, err := s.rdb.SetNX(ctx, k, data, jobTTL).Result()
	if err != nil {
		return orders.Roster{}, false, fmt.Errorf("save roster: %w", err)
	}
	if ok {
		return r, true, nil
	}
	stored, err := s.Roster(ctx, r.Grid, r.Slot)
	return stored, false, err
}

// Roster implements the actions' stores.
func (s *Store) Roster(ctx context.Context, grid string, slot time.Time) (orders.Roster, error) {
	data, err := s.rdb.Get(ctx, s.k.roster(grid, slotKey(slot))).Bytes()
	if errors.Is(err, redis.Nil) {
		return orders.Roster{}, fmt.Errorf("roster %s %s: %w", grid, slot, orders.ErrNotFound)
	}
	if err != nil {
		return orders.Roster{}, fmt.Errorf("roster: %w", err)
	}
	var r orders.Roster
	if err := json.Unmarshal(data, &r); err != nil {
		return orders.Roster{}, fmt.Errorf("roster: %w", err)
	}
	return r, nil
}

// CloseDay implements the actions' stores.
func (s *Store) CloseDay(ctx context.Context, day string, at time.Time) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.k.closed(day), at.UTC().Format(time.RFC3339), jobTTL).Result()
	if err != nil {
		return false, fmt.Errorf("close day: %w", err)
	}
	return ok, nil
}

// DayClosed implements the actions' stores.
func (s *Store) DayClosed(ctx context.Context, day string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.k.closed(day)).Result()
	if err != nil {
		return false, fmt.Errorf("day closed: %w", err)
	}
	return n > 0, nil
}

// MarkOnce implements the actions' stores.
func (s *Store) MarkOnce(ctx context.Context, key string) (bool, error) {
	return s.MarkFor(ctx, key, jobTTL)
}

// MarkFor records key for ttl and reports whether it was new: a window in
// which something is done once (a household's cry for help pages the
// team once).
func (s *Store) MarkFor(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.k.mark(key), "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("mark %s: %w", key, err)
	}
	return ok, nil
}

// Marked implements the actions' stores.
func (s *Store) Marked(ctx context.Context, key string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.k.mark(key)).Result()
	if err != nil {
		return false, fmt.Errorf("marked %s: %w", key, err)
	}
	return n > 0, nil
}

// Volunteers implements the actions' stores.
func (s *Store) Volunteers(ctx context.Context, grid string) ([]string, error) {
	v, err := s.rdb.SMembers(ctx, s.k.volunteers(grid)).Result()
	if err != nil {
		return nil, fmt.Errorf("volunteers: %w", err)
	}
	sort.Strings(v)
	return v, nil
}

// AddVolunteer implements the actions' stores.
func (s *Store) AddVolunteer(ctx context.Context, grid, openid string) error {
	if err := s.rdb.SAdd(ctx, s.k.volunteers(grid), openid).Err(); err != nil {
		return fmt.Errorf("add volunteer: %w", err)
	}
	return nil
}

// RemoveVolunteer implements the actions' stores.
func (s *Store) RemoveVolunteer(ctx context.Context, grid, openid string) error {
	if err := s.rdb.SRem(ctx, s.k.volunteers(grid), openid).Err(); err != nil {
		return fmt.Errorf("remove volunteer: %w", err)
	}
	return nil
}

// Apply implements the actions' stores: a volunteer sign-up waiting for approval,
// under a short code the lead quotes.
func (s *Store) Apply(ctx context.Context, a orders.Application) error {
	data, _ := json.Marshal(a)
	// SETNX: an application never replaces another one waiting under the
	// same code (the lead would approve someone else).
	ok, err := s.rdb.SetNX(ctx, s.k.application(a.Code), data, jobTTL).Result()
	if err != nil {
		return fmt.Errorf("volunteer application: %w", err)
	}
	if !ok {
		return fmt.Errorf("volunteer application %s: code taken: %w", a.Code, orders.ErrConflict)
	}
	if err := s.rdb.ZAdd(ctx, s.k.applications(), redis.Z{Score: float64(a.At.Unix()), Member: a.Code}).Err(); err != nil {
		return fmt.Errorf("volunteer application: index: %w", err)
	}
	return nil
}

// Application implements the actions' stores.
func (s *Store) Application(ctx context.Context, code string) (orders.Application, error) {
	data, err := s.rdb.Get(ctx, s.k.application(code)).Bytes()
	if errors.Is(err, redis.Nil) {
		return orders.Application{}, fmt.Errorf("application %s: %w", code, orders.ErrNotFound)
	}
	if err != nil {
		return orders.Application{}, fmt.Errorf("application: %w", err)
	}
	var a orders.Application
	if err := json.Unmarshal(data, &a); err != nil {
		return orders.Application{}, fmt.Errorf("application: %w", err)
	}
	return a, nil
}

// DeleteApplication implements the actions' stores.
func (s *Store) DeleteApplication(ctx context.Context, code string) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, s.k.application(code))
		p.ZRem(ctx, s.k.applications(), code)
		return nil
	})
	if err != nil {
		return fmt.Errorf("application: %w", err)
	}
	return nil
}
