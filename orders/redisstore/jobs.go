package redisstore

import (
	"context"
	"crypto/rand"
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
	return s.mark(ctx, key, "", ttl)
}

// markScript sets KEYS[1] to ARGV[1] for ARGV[2] ms (0: for good) unless
// it is set, and returns 1 when this call set it. ARGV[1] names the call (a time and a
// random part): a call that ran already (go-redis sends a command again
// after a read timeout, and both run when Redis was only slow, see
// docs/redis-resends.md) finds its own value and answers 1 again; a
// plain SET NX answered 0, so whatever was to be done once was done by
// nobody (the volunteers never heard a supplier's 到货了).
var markScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
  if tonumber(ARGV[2]) > 0 then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  else
    redis.call('SET', KEYS[1], ARGV[1])
  end
  return 1
end
if v == ARGV[1] then return 1 end
return 0`)

// mark records key for ttl with value at (a time, "" for none; see
// MarkedAt) and reports whether this call recorded it.
func (s *Store) mark(ctx context.Context, key, at string, ttl time.Duration) (bool, error) {
	n, err := markScript.Run(ctx, s.rdb, []string{s.k.mark(key)}, at+markSep+rand.Text(), ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("mark %s: %w", key, err)
	}
	return n == 1, nil
}

// markSep ends the time a mark holds; the call's name follows.
const markSep = "|"

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

func (k keys) applicationOf(openid string) string { return k.p + "apply-of:" + openid }

// applyScript files an application under its code, unless the person has
// one waiting (returned as it is) or the code is taken. KEYS[1] the
// application, KEYS[2] the person's (string: code), KEYS[3] the index,
// KEYS[4] the application under the code KEYS[2] held when read (ARGV[5]);
// ARGV: code, JSON, ttl (s), at (unix s), the code read. A call that ran
// already (sent again by the client after a timeout) finds the person's
// application is this one, and answers OK again.
var applyScript = redis.NewScript(`
local prev = redis.call('GET', KEYS[2])
if prev and prev == ARGV[1] and redis.call('GET', KEYS[1]) == ARGV[2] then return {'OK'} end
if prev and prev == ARGV[5] then
  local data = redis.call('GET', KEYS[4])
  if data then return {'AGAIN', data} end
elseif prev then
  return {'STALE'}
end
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', ARGV[3]) == false then return {'TAKEN'} end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return {'OK'}`)

// Apply implements the actions' stores: a volunteer sign-up waiting for
// approval, under a short code the lead quotes. One person has one
// application waiting: applying again returns it, with Again set. A code
// in use is ErrConflict (draw another).
func (s *Store) Apply(ctx context.Context, a orders.Application) (orders.Application, error) {
	for {
		prev, err := s.rdb.Get(ctx, s.k.applicationOf(a.OpenID)).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return a, fmt.Errorf("volunteer application: %w", err)
		}
		data, _ := json.Marshal(a)
		res, err := applyScript.Run(ctx, s.rdb, []string{s.k.application(a.Code), s.k.applicationOf(a.OpenID), s.k.applications(), s.k.application(prev)},
			a.Code, data, int(jobTTL/time.Second), a.At.Unix(), prev).StringSlice()
		if err != nil {
			return a, fmt.Errorf("volunteer application: %w", err)
		}
		switch res[0] {
		case "OK":
			return a, nil
		case "AGAIN":
			var again orders.Application
			if err := json.Unmarshal([]byte(res[1]), &again); err != nil {
				return a, fmt.Errorf("volunteer application: %w", err)
			}
			again.Again = true
			return again, nil
		case "TAKEN":
			return a, fmt.Errorf("volunteer application %s: code taken: %w", a.Code, orders.ErrConflict)
		}
		// STALE: their application changed under us; read it again.
	}
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
	a, err := s.Application(ctx, code)
	if errors.Is(err, orders.ErrNotFound) {
		return s.rdb.ZRem(ctx, s.k.applications(), code).Err()
	}
	if err != nil {
		return err
	}
	if err := deleteApplicationScript.Run(ctx, s.rdb, []string{s.k.application(code), s.k.applications(), s.k.applicationOf(a.OpenID)}, code).Err(); err != nil {
		return fmt.Errorf("application: %w", err)
	}
	return nil
}

// deleteApplicationScript forgets application ARGV[1]: KEYS[1] it, KEYS[2]
// the index, KEYS[3] its person's (when it still names it).
var deleteApplicationScript = redis.NewScript(`
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return 1`)
