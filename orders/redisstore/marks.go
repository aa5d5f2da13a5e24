package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// The keys of vulnerable households and urgent claims (issue 5):
//
//	bg:{c}:marks      HASH household → its marks joined by ","; kept for good
//	bg:{c}:claim:<id> STRING openid of whoever claimed order id; jobTTL
func (k keys) marks() string          { return k.p + "marks" }
func (k keys) claim(id string) string { return k.p + "claim:" + id }

// marksScript changes one household's marks in one step.
//
// KEYS[1] marks hash
// ARGV[1] household, ARGV[2] add | remove | set, ARGV[3..] marks (remove
// with none removes all). Returns the marks after, sorted by byte value.
var marksScript = redis.NewScript(`
local cur = {}
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then
  for m in string.gmatch(v, '[^,]+') do cur[m] = true end
end
if ARGV[2] == 'set' or (ARGV[2] == 'remove' and #ARGV == 2) then
  cur = {}
end
for i = 3, #ARGV do
  if ARGV[2] == 'remove' then cur[ARGV[i]] = nil else cur[ARGV[i]] = true end
end
local out = {}
for m in pairs(cur) do out[#out + 1] = m end
table.sort(out)
if #out == 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], table.concat(out, ','))
end
return out`)

func parseMarks(v string) []orders.Mark {
	var ms []orders.Mark
	for _, m := range strings.Split(v, ",") {
		if m != "" {
			ms = append(ms, orders.Mark(m))
		}
	}
	return orders.SortMarks(ms)
}

// MarksOf implements orders.ListStore: one HMGET.
func (s *Store) MarksOf(ctx context.Context, households []string) (map[string][]orders.Mark, error) {
	out := map[string][]orders.Mark{}
	if len(households) == 0 {
		return out, nil
	}
	vals, err := s.rdb.HMGet(ctx, s.k.marks(), households...).Result()
	if err != nil {
		return nil, fmt.Errorf("marks of households: %w", err)
	}
	for i, v := range vals {
		if v, ok := v.(string); ok && v != "" {
			out[households[i]] = parseMarks(v)
		}
	}
	return out, nil
}

// HouseholdMarks implements the actions' stores.
func (s *Store) HouseholdMarks(ctx context.Context, household string) ([]orders.Mark, error) {
	v, err := s.rdb.HGet(ctx, s.k.marks(), household).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("marks of household: %w", err)
	}
	return parseMarks(v), nil
}

// AllMarks implements the actions' stores.
func (s *Store) AllMarks(ctx context.Context) (map[string][]orders.Mark, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.marks()).Result()
	if err != nil {
		return nil, fmt.Errorf("marks: %w", err)
	}
	out := make(map[string][]orders.Mark, len(m))
	for hh, v := range m {
		if ms := parseMarks(v); len(ms) > 0 {
			out[hh] = ms
		}
	}
	return out, nil
}

// AddMarks implements the actions' stores.
func (s *Store) AddMarks(ctx context.Context, household string, marks []orders.Mark) ([]orders.Mark, error) {
	return s.changeMarks(ctx, household, "add", marks)
}

// RemoveMarks implements the actions' stores.
func (s *Store) RemoveMarks(ctx context.Context, household string, marks []orders.Mark) ([]orders.Mark, error) {
	return s.changeMarks(ctx, household, "remove", marks)
}

// SetMarks implements the actions' stores.
func (s *Store) SetMarks(ctx context.Context, household string, marks []orders.Mark) ([]orders.Mark, error) {
	return s.changeMarks(ctx, household, "set", marks)
}

func (s *Store) changeMarks(ctx context.Context, household, op string, marks []orders.Mark) ([]orders.Mark, error) {
	if household == "" {
		return nil, fmt.Errorf("marks: empty household: %w", orders.ErrInvalid)
	}
	args := []any{household, op}
	for _, m := range marks {
		if !m.Valid() {
			return nil, fmt.Errorf("mark %q: %w", m, orders.ErrInvalid)
		}
		args = append(args, string(m))
	}
	res, err := marksScript.Run(ctx, s.rdb, []string{s.k.marks()}, args...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("%s marks: %w", op, err)
	}
	return parseMarks(strings.Join(res, ",")), nil
}

// ClaimOrder implements the actions' stores. A claim is remembered as long as
// rosters and job marks are (jobTTL).
func (s *Store) ClaimOrder(ctx context.Context, id, openid string, at time.Time) (orders.Order, string, error) {
	if openid == "" {
		return orders.Order{}, "", fmt.Errorf("claim order %s: empty openid: %w", id, orders.ErrInvalid)
	}
	for range maxTransitionTries {
		o, ver, err := s.read(ctx, id)
		if err != nil {
			return orders.Order{}, "", err
		}
		next := o
		next.Status, next.UpdatedAt = orders.StatusAssigned, at
		next.Assignee, next.Slot, next.ClaimedBy = openid, at, openid
		next.History = append(append([]orders.Event(nil), o.History...), orders.Event{At: at, Status: orders.StatusAssigned, By: openid, Note: "领取"})
		data, err := encode(next)
		if err != nil {
			return orders.Order{}, "", err
		}
		res, err := claimOrderScript.Run(ctx, s.rdb, []string{s.k.claim(id), s.k.order(id)}, openid, int(jobTTL/time.Second), ver, data).StringSlice()
		if err != nil {
			return o, "", fmt.Errorf("claim order %s: %w", id, err)
		}
		switch res[0] {
		case "OK":
			return next, openid, nil
		case "MINE":
			return o, openid, nil // claimed before
		case "TAKEN":
			return o, res[1], nil
		case "NOTFOUND":
			return orders.Order{}, "", fmt.Errorf("order %s: %w", id, orders.ErrNotFound)
		case "CONFLICT":
			return o, "", fmt.Errorf("claim order %s: it is %s: %w", id, res[1], orders.ErrConflict)
		case "STALE":
			continue
		}
		return o, "", fmt.Errorf("claim order %s: unexpected script answer %q", id, res)
	}
	return orders.Order{}, "", fmt.Errorf("claim order %s: changed too often, gave up: %w", id, orders.ErrConflict)
}

// Claimant implements the actions' stores.
func (s *Store) Claimant(ctx context.Context, id string) (string, error) {
	v, err := s.rdb.Get(ctx, s.k.claim(id)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("claimant of order %s: %w", id, err)
	}
	return v, nil
}

// urgentHeadStart puts urgent orders ahead of every other order in their
// grid's queue: their score is their time less about 317 years, so urgent
// orders come first, oldest first, then the rest, oldest first.
const urgentHeadStart = 1e13 // ms

// queueScore is an order's score in its grid's queue.
func queueScore(o orders.Order) int64 {
	ms := o.CreatedAt.UnixMilli()
	if o.Urgent {
		ms -= urgentHeadStart
	}
	return ms
}
