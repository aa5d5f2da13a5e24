package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// The console's keys of people:
//
//	bg:{c}:people   HASH openid → Person JSON (names and phones); kept
//	bg:{c}:applyidx ZSET code → time applied: the volunteer applications
//	                waiting (each is bg:{c}:apply:<code>, expiring)
func (k keys) people() string       { return k.p + "people" }
func (k keys) applications() string { return k.p + "applyidx" }

// People returns what the office noted of its people, by openid.
func (s *Store) People(ctx context.Context) (map[string]orders.Person, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.people()).Result()
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	out := make(map[string]orders.Person, len(m))
	for id, v := range m {
		var p orders.Person
		if json.Unmarshal([]byte(v), &p) == nil {
			p.OpenID = id
			out[id] = p
		}
	}
	return out, nil
}

// Person returns what the office noted of one person (an empty Person
// when nothing).
func (s *Store) Person(ctx context.Context, openid string) (orders.Person, error) {
	v, err := s.rdb.HGet(ctx, s.k.people(), openid).Result()
	if errors.Is(err, redis.Nil) {
		return orders.Person{OpenID: openid}, nil
	}
	if err != nil {
		return orders.Person{}, fmt.Errorf("person: %w", err)
	}
	var p orders.Person
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return orders.Person{}, fmt.Errorf("person: %w", err)
	}
	p.OpenID = openid
	return p, nil
}

// SetPerson records a person's name and phone (replacing earlier ones);
// with neither it forgets them.
func (s *Store) SetPerson(ctx context.Context, p orders.Person) error {
	if p.OpenID == "" {
		return fmt.Errorf("person without openid: %w", orders.ErrInvalid)
	}
	var err error
	if p.Name == "" && p.Phone == "" {
		err = s.rdb.HDel(ctx, s.k.people(), p.OpenID).Err()
	} else {
		data, _ := json.Marshal(p)
		err = s.rdb.HSet(ctx, s.k.people(), p.OpenID, data).Err()
	}
	if err != nil {
		return fmt.Errorf("set person: %w", err)
	}
	return nil
}

// Applications returns the volunteer applications waiting for approval,
// oldest first. Applications that expired are dropped from the index.
func (s *Store) Applications(ctx context.Context) ([]orders.Application, error) {
	codes, err := s.rdb.ZRange(ctx, s.k.applications(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("applications: %w", err)
	}
	if len(codes) == 0 {
		return nil, nil
	}
	keys := make([]string, len(codes))
	for i, c := range codes {
		keys[i] = s.k.application(c)
	}
	vals, err := s.mget(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("applications: %w", err)
	}
	var out []orders.Application
	var gone []any
	for i, v := range vals {
		var a orders.Application
		if v == "" || json.Unmarshal([]byte(v), &a) != nil {
			gone = append(gone, codes[i])
			continue
		}
		out = append(out, a)
	}
	if len(gone) > 0 {
		s.rdb.ZRem(ctx, s.k.applications(), gone...) // best effort: expired
	}
	return out, nil
}

// mget reads string keys in one pipeline ("" for a missing key): on a
// cluster MGET needs one slot, and a pipeline does not care.
func (s *Store) mget(ctx context.Context, keys []string) ([]string, error) {
	cmds := make([]*redis.StringCmd, len(keys))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.Get(ctx, k)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	out := make([]string, len(keys))
	for i, c := range cmds {
		out[i] = c.Val()
	}
	return out, nil
}

// HouseholdsUsers returns the openids bound to each of households (those
// without any are left out), in one pipeline.
func (s *Store) HouseholdsUsers(ctx context.Context, households []string) (map[string][]string, error) {
	cmds := make([]*redis.StringSliceCmd, len(households))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, hh := range households {
			cmds[i] = p.SMembers(ctx, s.k.users(hh))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("household users: %w", err)
	}
	out := map[string][]string{}
	for i, c := range cmds {
		if users := c.Val(); len(users) > 0 {
			sort.Strings(users)
			out[households[i]] = users
		}
	}
	return out, nil
}
