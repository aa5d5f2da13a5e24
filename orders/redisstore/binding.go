package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

func (k keys) bindRequest(code string) string { return k.p + "bindreq:" + code }
func (k keys) firstBinds() string             { return k.p + "firstbinds" }
func (k keys) digestCursor() string           { return k.p + "firstbinds:cursor" }
func (k keys) bindRequests() string           { return k.p + "bindreqs" }
func (k keys) bindRequestOf(openid, hh string) string {
	return k.p + "bindreq-of:" + openid + ":" + hh
}

// Bind implements the actions' stores: it binds only a household nobody lives in
// and nobody ordered for, and reports NeedsApproval, changing nothing,
// for any other.
func (s *Store) Bind(ctx context.Context, b orders.Binding) (orders.BindOutcome, error) {
	return s.bind(ctx, b, "first", "", "")
}

// BindApproved ties openid to a household whoever else lives there or
// ordered for it, replacing any earlier binding: for an admin, who
// answers for it. It reports Bound or AlreadyBound.
func (s *Store) BindApproved(ctx context.Context, b orders.Binding) (orders.BindOutcome, error) {
	return s.bind(ctx, b, "force", "", "")
}

// bind runs bind.lua in mode, retrying when the user's binding changed
// between our read and the script.
func (s *Store) bind(ctx context.Context, b orders.Binding, mode, reqKey, req string) (orders.BindOutcome, error) {
	hh := b.Address.Household()
	for range maxTransitionTries {
		old, err := s.rdb.HGet(ctx, s.k.binding(b.OpenID), "hh").Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return 0, fmt.Errorf("bind: %w", err)
		}
		oldSet := s.k.users(hh)
		if old != "" {
			oldSet = s.k.users(old)
		}
		keys := []string{s.k.binding(b.OpenID), s.k.users(hh), oldSet, s.k.bound(), s.k.household(hh), s.k.firstBinds()}
		if reqKey != "" {
			keys = append(keys, reqKey)
		}
		res, err := bindScript.Run(ctx, s.rdb, keys,
			b.OpenID, old, b.Address.Building, b.Address.Unit, b.Address.Room, b.Grid, b.At.UTC().Format(time.RFC3339), hh, mode, req, b.At.UnixMilli()).Text()
		if err != nil {
			return 0, fmt.Errorf("bind: %w", err)
		}
		switch res {
		case "OK":
			return orders.Bound, nil
		case "SAME":
			return orders.AlreadyBound, nil
		case "APPROVAL":
			return orders.NeedsApproval, nil
		case "GONE":
			return 0, fmt.Errorf("binding request: %w", orders.ErrNotFound)
		}
	}
	return 0, fmt.Errorf("bind: changed too often: %w", orders.ErrConflict)
}

// RequestBinding records r under a fresh code for orders.BindRequestTTL
// and returns it with its code. A request of the same user for the same
// household that still waits is returned as it is, with Again set: asking
// twice pages nobody twice. Codes have four digits while any is free, six
// after.
func (s *Store) RequestBinding(ctx context.Context, r orders.BindRequest) (orders.BindRequest, error) {
	mine := s.k.bindRequestOf(r.OpenID, r.Address.Household())
	if code, err := s.rdb.Get(ctx, mine).Result(); err == nil {
		if prev, _, err := s.bindRequest(ctx, code); err == nil && prev.OpenID == r.OpenID {
			prev.Again = true
			return prev, nil
		}
	} else if !errors.Is(err, redis.Nil) {
		return r, fmt.Errorf("binding request: %w", err)
	}
	for try := range 40 {
		lo, n := int64(1000), int64(9000)
		if try >= 20 {
			lo, n = 100000, 900000
		}
		v, err := rand.Int(rand.Reader, big.NewInt(n))
		if err != nil {
			return r, fmt.Errorf("binding request code: %w", err)
		}
		r.Code = strconv.FormatInt(lo+v.Int64(), 10)
		data, err := json.Marshal(r)
		if err != nil {
			return r, fmt.Errorf("binding request: %w", err)
		}
		ok, err := s.rdb.SetNX(ctx, s.k.bindRequest(r.Code), data, orders.BindRequestTTL).Result()
		if err != nil {
			return r, fmt.Errorf("binding request: %w", err)
		}
		if !ok {
			continue
		}
		// The user's request for this household, and the index of
		// waiting requests for the console (scored by expiry, cleaned as
		// it is read).
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, mine, r.Code, orders.BindRequestTTL)
			p.ZAdd(ctx, s.k.bindRequests(), redis.Z{Score: float64(r.At.Add(orders.BindRequestTTL).Unix()), Member: r.Code})
			return nil
		}); err != nil {
			return r, fmt.Errorf("binding request: index: %w", err)
		}
		return r, nil
	}
	return r, fmt.Errorf("binding request: no free code: %w", orders.ErrConflict)
}

// BindRequest returns the request waiting under code, or ErrNotFound.
func (s *Store) BindRequest(ctx context.Context, code string) (orders.BindRequest, error) {
	r, _, err := s.bindRequest(ctx, code)
	return r, err
}

func (s *Store) bindRequest(ctx context.Context, code string) (orders.BindRequest, string, error) {
	data, err := s.rdb.Get(ctx, s.k.bindRequest(code)).Result()
	if errors.Is(err, redis.Nil) {
		return orders.BindRequest{}, "", fmt.Errorf("binding request %s: %w", code, orders.ErrNotFound)
	}
	if err != nil {
		return orders.BindRequest{}, "", fmt.Errorf("binding request: %w", err)
	}
	var r orders.BindRequest
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return orders.BindRequest{}, "", fmt.Errorf("binding request %s: %w", code, err)
	}
	return r, data, nil
}

// ApproveBinding binds the user of request code to its household and uses
// the request up, in one step: of two approvals, one binds and the other
// gets ErrNotFound, as does an expired or refused request.
func (s *Store) ApproveBinding(ctx context.Context, code string, at time.Time) (orders.BindRequest, error) {
	r, data, err := s.bindRequest(ctx, code)
	if err != nil {
		return r, err
	}
	if _, err := s.bind(ctx, r.Binding(at), "approve", s.k.bindRequest(code), data); err != nil {
		return r, err
	}
	return r, nil
}

// RefuseBinding forgets request code and returns it; ErrNotFound when it
// was answered or expired.
func (s *Store) RefuseBinding(ctx context.Context, code string) (orders.BindRequest, error) {
	r, _, err := s.bindRequest(ctx, code)
	if err != nil {
		return r, err
	}
	n, err := s.rdb.Del(ctx, s.k.bindRequest(code)).Result()
	if err != nil {
		return r, fmt.Errorf("refuse binding: %w", err)
	}
	if n == 0 {
		return r, fmt.Errorf("binding request %s: %w", code, orders.ErrNotFound)
	}
	return r, nil
}

// Unbind takes openid out of its household and returns the binding it
// had; ErrNotFound when it had none.
func (s *Store) Unbind(ctx context.Context, openid string) (orders.Binding, error) {
	for range maxTransitionTries {
		b, err := s.Binding(ctx, openid)
		if err != nil {
			return b, err
		}
		res, err := unbindScript.Run(ctx, s.rdb, []string{s.k.binding(openid), s.k.users(b.Address.Household())}, openid, b.Address.Household()).Text()
		if err != nil {
			return b, fmt.Errorf("unbind: %w", err)
		}
		switch res {
		case "OK":
			return b, nil
		case "NONE":
			return b, fmt.Errorf("binding of user: %w", orders.ErrNotFound)
		}
	}
	return orders.Binding{}, fmt.Errorf("unbind: changed too often: %w", orders.ErrConflict)
}

// FirstBindings returns the households bound for the first time after
// after and up to until, in the order they were bound.
func (s *Store) FirstBindings(ctx context.Context, after, until time.Time) ([]string, error) {
	hhs, err := s.rdb.ZRangeByScore(ctx, s.k.firstBinds(), &redis.ZRangeBy{
		Min: "(" + strconv.FormatInt(after.UnixMilli(), 10), Max: strconv.FormatInt(until.UnixMilli(), 10),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("first bindings: %w", err)
	}
	return hhs, nil
}

// digestScript moves the digest cursor forward only, and forgets first
// bindings a week older than it.
var digestScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[1]) - 7 * 24 * 3600 * 1000)
end
return 1`)

// DigestCursor returns up to when first bindings were told to the leads
// (the zero time when never).
func (s *Store) DigestCursor(ctx context.Context) (time.Time, error) {
	ms, err := s.rdb.Get(ctx, s.k.digestCursor()).Int64()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("digest cursor: %w", err)
	}
	return time.UnixMilli(ms), nil
}

// SetDigestCursor records that first bindings up to t were told; it never
// moves the cursor back.
func (s *Store) SetDigestCursor(ctx context.Context, t time.Time) error {
	if err := digestScript.Run(ctx, s.rdb, []string{s.k.digestCursor(), s.k.firstBinds()}, t.UnixMilli()).Err(); err != nil {
		return fmt.Errorf("digest cursor: %w", err)
	}
	return nil
}

// BindRequests returns the binding requests still waiting at now, oldest
// first.
func (s *Store) BindRequests(ctx context.Context, now time.Time) ([]orders.BindRequest, error) {
	idx := s.k.bindRequests()
	if err := s.rdb.ZRemRangeByScore(ctx, idx, "-inf", "("+strconv.FormatInt(now.Unix(), 10)).Err(); err != nil {
		return nil, fmt.Errorf("binding requests: %w", err)
	}
	codes, err := s.rdb.ZRange(ctx, idx, 0, -1).Result()
	if err != nil || len(codes) == 0 {
		return nil, err
	}
	keys := make([]string, len(codes))
	for i, c := range codes {
		keys[i] = s.k.bindRequest(c)
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("binding requests: %w", err)
	}
	var out []orders.BindRequest
	for i, v := range vals {
		data, ok := v.(string)
		if !ok {
			s.rdb.ZRem(ctx, idx, codes[i]) // answered: forget it
			continue
		}
		var r orders.BindRequest
		if json.Unmarshal([]byte(data), &r) == nil {
			out = append(out, r)
		}
	}
	return out, nil
}
