package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// Directory is the index of one official account that serves several
// communities: which community each WeChat user belongs to (the one they
// bound in, or whose team they joined at run time), and the choices of
// community waiting for an answer. Its keys share the hash tag {@account}
// ('@' is never in a community id), so they live apart from every
// community's keys: bg:{@account}:who:<openid>, bg:{@account}:choice:<openid>.
//
// The index is a hint for routing, not the record: a community's own keys
// say whether a user is bound there (see bot.Account).
type Directory struct {
	rdb redis.UniversalClient
	p   string
}

// NewDirectory returns the directory of account (its AppID) over rdb.
func NewDirectory(rdb redis.UniversalClient, account string) *Directory {
	return &Directory{rdb: rdb, p: "bg:{@" + account + "}:"}
}

func (d *Directory) who(openid string) string    { return d.p + "who:" + openid }
func (d *Directory) choice(openid string) string { return d.p + "choice:" + openid }

// Community returns the community openid belongs to, "" when none.
func (d *Directory) Community(ctx context.Context, openid string) (string, error) {
	c, err := d.rdb.Get(ctx, d.who(openid)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("community of user: %w", err)
	}
	return c, nil
}

// SetCommunity makes openid belong to community and returns the
// community they belonged to before ("" when none).
func (d *Directory) SetCommunity(ctx context.Context, openid, community string) (string, error) {
	prev, err := d.rdb.SetArgs(ctx, d.who(openid), community, redis.SetArgs{Get: true}).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("set community of user: %w", err)
	}
	return prev, nil
}

// JoinCommunity makes openid belong to community unless they belong to
// one already, and returns the community they belong to now.
func (d *Directory) JoinCommunity(ctx context.Context, openid, community string) (string, error) {
	ok, err := d.rdb.SetNX(ctx, d.who(openid), community, 0).Result()
	if err != nil {
		return "", fmt.Errorf("join community: %w", err)
	}
	if ok {
		return community, nil
	}
	return d.Community(ctx, openid)
}

var forgetScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// ForgetCommunity makes openid belong nowhere, if they belong to
// community (a move to another community made meanwhile stays).
func (d *Directory) ForgetCommunity(ctx context.Context, openid, community string) error {
	if err := forgetScript.Run(ctx, d.rdb, []string{d.who(openid)}, community).Err(); err != nil {
		return fmt.Errorf("forget community of user: %w", err)
	}
	return nil
}

// SaveChoice keeps the choice of community offered to openid for ttl,
// replacing any earlier one.
func (d *Directory) SaveChoice(ctx context.Context, openid string, c orders.BindChoice, ttl time.Duration) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("save choice: %w", err)
	}
	if err := d.rdb.Set(ctx, d.choice(openid), data, ttl).Err(); err != nil {
		return fmt.Errorf("save choice: %w", err)
	}
	return nil
}

// Choice returns the choice of community offered to openid, or
// orders.ErrNotFound when none waits.
func (d *Directory) Choice(ctx context.Context, openid string) (orders.BindChoice, error) {
	var c orders.BindChoice
	if err := readJSON(d.rdb.Get(ctx, d.choice(openid)), "choice of community", &c); err != nil {
		return orders.BindChoice{}, err
	}
	return c, nil
}

// Erase forgets openid: which community they belong to, and any choice
// of community offered to them (删除我的信息).
func (d *Directory) Erase(ctx context.Context, openid string) error {
	if err := d.rdb.Del(ctx, d.who(openid)).Err(); err != nil {
		return fmt.Errorf("erase community of user: %w", err)
	}
	if err := d.rdb.Del(ctx, d.choice(openid)).Err(); err != nil {
		return fmt.Errorf("erase choice of user: %w", err)
	}
	return nil
}
