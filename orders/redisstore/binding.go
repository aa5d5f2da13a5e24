package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// Bind implements the actions' stores: it binds only a household nobody
// lives in and nobody ordered for, that the office does not list (listed)
// and that carries no mark, and reports NeedsApproval, changing nothing,
// for any other.
func (s *Store) Bind(ctx context.Context, b orders.Binding, listed bool) (orders.BindOutcome, error) {
	return s.bind(ctx, b, "first", listed, orders.BindRequest{}, "")
}

// BindApproved ties openid to a household whoever else lives there or
// ordered for it, replacing any earlier binding: for an admin, who
// answers for it. It reports Bound or AlreadyBound.
func (s *Store) BindApproved(ctx context.Context, b orders.Binding) (orders.BindOutcome, error) {
	return s.bind(ctx, b, "force", false, orders.BindRequest{}, "")
}

// bind runs bind.lua in mode, retrying when the user's binding changed
// between our read and the script; in approve mode, req (as stored: data)
// must still wait.
func (s *Store) bind(ctx context.Context, b orders.Binding, mode string, listed bool, req orders.BindRequest, data string) (orders.BindOutcome, error) {
	hh := b.Address.Household()
	op := s.k.op() // the same for every try: a try that ran twice is one
	for range maxTransitionTries {
		old, err := s.rdb.HGet(ctx, s.k.binding(b.OpenID), "hh").Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return 0, fmt.Errorf("bind: %w", err)
		}
		oldSet := s.k.users(hh)
		if old != "" {
			oldSet = s.k.users(old)
		}
		keys := []string{s.k.binding(b.OpenID), s.k.users(hh), oldSet, s.k.bound(), s.k.household(hh), s.k.firstBinds(),
			s.k.bindRequest(req.Code), s.k.marks(), s.k.bindRequestsOf(b.OpenID), op}
		res, err := bindScript.Run(ctx, s.rdb, keys,
			b.OpenID, old, b.Address.Building, b.Address.Unit, b.Address.Room, b.Grid, b.At.UTC().Format(time.RFC3339), hh, mode, data, b.At.UnixMilli(),
			boolArg(listed), req.Code, opSeconds).Text()
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

// MaxOpenBindRequests is how many binding requests one person may have
// waiting at a time: a stranger cannot page every household of a building.
const MaxOpenBindRequests = 3

// RefusalTTL is how long a refused binding sticks: the same person cannot
// ask for the same door again before.
const RefusalTTL = 24 * time.Hour

func (k keys) bindRequestsOf(openid string) string { return k.p + "bindreqs-of:" + openid }
func (k keys) bindRefused(openid, hh string) string {
	return k.p + "bindrefused:" + openid + ":" + hh
}

// RequestBinding records r under a fresh code for orders.BindRequestTTL
// and returns it with its code. A request of the same user for the same
// household that still waits is returned as it is, with Again set: asking
// twice pages nobody twice. A household that refused the user within
// RefusalTTL is orders.ErrRefused; a user with MaxOpenBindRequests waiting
// is orders.ErrTooMany. Codes have four digits while any is free, six
// after.
func (s *Store) RequestBinding(ctx context.Context, r orders.BindRequest) (orders.BindRequest, error) {
	hh := r.Address.Household()
	mine := s.k.bindRequestOf(r.OpenID, hh)
	for try := 0; try < 40; {
		prev, err := s.rdb.Get(ctx, mine).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return r, fmt.Errorf("binding request: %w", err)
		}
		if r.Code, err = orders.ShortCode(try); err != nil {
			return r, err
		}
		data, err := json.Marshal(r)
		if err != nil {
			return r, fmt.Errorf("binding request: %w", err)
		}
		prevKey := s.k.bindRequest(prev)
		expiry := r.At.Add(orders.BindRequestTTL).Unix()
		res, err := bindRequestScript.Run(ctx, s.rdb,
			[]string{s.k.bindRequest(r.Code), mine, s.k.bindRequests(), s.k.bindRequestsOf(r.OpenID), s.k.bindRefused(r.OpenID, hh), prevKey},
			r.Code, data, int(orders.BindRequestTTL/time.Second), expiry, r.At.Unix(), MaxOpenBindRequests, prev).StringSlice()
		if err != nil {
			return r, fmt.Errorf("binding request: %w", err)
		}
		switch res[0] {
		case "OK":
			return r, nil
		case "AGAIN":
			var again orders.BindRequest
			if err := json.Unmarshal([]byte(res[1]), &again); err != nil {
				return r, fmt.Errorf("binding request: %w", err)
			}
			again.Again = true
			return again, nil
		case "REFUSED":
			return r, fmt.Errorf("binding request: %w", orders.ErrRefused)
		case "TOOMANY":
			return r, fmt.Errorf("binding request: %d waiting: %w", MaxOpenBindRequests, orders.ErrTooMany)
		case "TAKEN":
			try++
		}
		// STALE: the user's request changed under us; read it again.
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
	if _, err := s.bind(ctx, r.Binding(at), "approve", false, r, data); err != nil {
		return r, err
	}
	return r, nil
}

// RefuseBinding forgets request code and returns it; ErrNotFound when it
// was answered or expired. The refusal sticks: the same user cannot ask
// for the same household again within RefusalTTL.
func (s *Store) RefuseBinding(ctx context.Context, code string) (orders.BindRequest, error) {
	return s.dropBinding(ctx, code, true)
}

// WithdrawBinding forgets request code (nobody could be asked to answer
// it) and returns it; ErrNotFound when it was answered or expired. The
// user may ask again.
func (s *Store) WithdrawBinding(ctx context.Context, code string) (orders.BindRequest, error) {
	return s.dropBinding(ctx, code, false)
}

// dropBindingScript forgets a request, once: KEYS[1] the request, KEYS[2]
// the user's request for the household, KEYS[3] the user's waiting
// requests, KEYS[4] the refusal to record (ARGV[2] "1": refused, for
// ARGV[3] s), KEYS[5] this call's key (see keys.op; ARGV[4] its ttl).
// ARGV[1] is the code. Returns 1, or 0 when it was gone before this call.
var dropBindingScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[5]) == 1 then return 1 end
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[3], ARGV[1])
if ARGV[2] == '1' then redis.call('SET', KEYS[4], '1', 'EX', ARGV[3]) end
redis.call('SET', KEYS[5], '1', 'EX', ARGV[4])
return 1`)

func (s *Store) dropBinding(ctx context.Context, code string, refused bool) (orders.BindRequest, error) {
	r, _, err := s.bindRequest(ctx, code)
	if err != nil {
		return r, err
	}
	hh := r.Address.Household()
	n, err := dropBindingScript.Run(ctx, s.rdb,
		[]string{s.k.bindRequest(code), s.k.bindRequestOf(r.OpenID, hh), s.k.bindRequestsOf(r.OpenID), s.k.bindRefused(r.OpenID, hh), s.k.op()},
		code, boolArg(refused), int(RefusalTTL/time.Second), opSeconds).Int()
	if err != nil {
		return r, fmt.Errorf("drop binding request: %w", err)
	}
	if n == 0 {
		return r, fmt.Errorf("binding request %s: %w", code, orders.ErrNotFound)
	}
	return r, nil
}

// Unbind takes openid out of its household and returns the binding it
// had; ErrNotFound when it had none.
func (s *Store) Unbind(ctx context.Context, openid string) (orders.Binding, error) {
	op := s.k.op() // the same for every try: a try that ran twice is one
	for range maxTransitionTries {
		b, err := s.Binding(ctx, openid)
		if err != nil {
			return b, err
		}
		res, err := unbindScript.Run(ctx, s.rdb, []string{s.k.binding(openid), s.k.users(b.Address.Household()), op}, openid, b.Address.Household(), opSeconds).Text()
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
