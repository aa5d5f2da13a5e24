package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// Rounds (see orders/rounds.go):
//
//	bg:{c}:told:<key>     STRING orders.Told JSON: the last list of stops
//	                      someone was sent about (roster:<grid>:<openid>,
//	                      roster-lead:<grid>:<openid>)
//	bg:{c}:closed:<day>   STRING when the day was closed (CloseDay)
//	bg:{c}:mark:<key>     STRING when MarkOnceAt first recorded key (""
//	                      for MarkOnce), "|" and the call's random name
func (k keys) told(key string) string { return k.p + "told:" + key }

// ClosedAt returns when day was closed (see CloseDay), and false when it
// is open.
func (s *Store) ClosedAt(ctx context.Context, day string) (time.Time, bool, error) {
	v, err := s.rdb.Get(ctx, s.k.closed(day)).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("day closed: %w", err)
	}
	at, _ := time.Parse(time.RFC3339Nano, v)
	return at, true, nil
}

// MarkOnceAt records key with time at unless it was recorded before, and
// returns whether this call recorded it and the time recorded (zero for
// a key recorded by MarkOnce, which keeps no time).
func (s *Store) MarkOnceAt(ctx context.Context, key string, at time.Time) (bool, time.Time, error) {
	ok, err := s.mark(ctx, key, at.UTC().Format(time.RFC3339Nano), jobTTL)
	if err != nil {
		return false, time.Time{}, err
	}
	if ok {
		return true, at, nil
	}
	t, _, err := s.MarkedAt(ctx, key) // set once, never changed
	return false, t, err
}

// MarkedAt returns the time MarkOnceAt recorded with key, and false when
// key was not recorded.
func (s *Store) MarkedAt(ctx context.Context, key string) (time.Time, bool, error) {
	v, err := s.rdb.Get(ctx, s.k.mark(key)).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("marked %s: %w", key, err)
	}
	at, _, _ := strings.Cut(v, markSep)
	t, _ := time.Parse(time.RFC3339Nano, at)
	return t, true, nil
}

// Told returns the last list of stops recorded under key (SetTold), or
// an empty Told.
func (s *Store) Told(ctx context.Context, key string) (orders.Told, error) {
	data, err := s.rdb.Get(ctx, s.k.told(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return orders.Told{}, nil
	}
	if err != nil {
		return orders.Told{}, fmt.Errorf("told %s: %w", key, err)
	}
	var t orders.Told
	if err := json.Unmarshal(data, &t); err != nil {
		return orders.Told{}, fmt.Errorf("told %s: %w", key, err)
	}
	return t, nil
}

// SetTold records t as the last list of stops sent under key.
func (s *Store) SetTold(ctx context.Context, key string, t orders.Told) error {
	data, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("told %s: %w", key, err)
	}
	if err := s.rdb.Set(ctx, s.k.told(key), data, jobTTL).Err(); err != nil {
		return fmt.Errorf("told %s: %w", key, err)
	}
	return nil
}
