package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// Shortages and waiting lists (issue 10, "sold out is not the end"):
//
//	bg:{c}:wait:<sku>         ZSET openid → when they asked (ms): the item's
//	                          waiting list (到货通知), first come first told
//	bg:{c}:soldout:<openid>   STRING the SKU last refused to openid as sold
//	                          out, so a bare 到货通知 knows what they wait for
//	bg:{c}:short:<day>        HASH sku → units refused on the order day
//	                          (sold out or over the limit)
//	bg:{c}:shorthh:<day>      HASH sku|household → units refused to it: a
//	                          household asking again is counted once, for
//	                          the most it asked for
func (k keys) wait(sku string) string         { return k.p + "wait:" + sku }
func (k keys) soldOut(openid string) string   { return k.p + "soldout:" + openid }
func (k keys) short(day string) string        { return k.p + "short:" + day }
func (k keys) shortHH(day string) string      { return k.p + "shorthh:" + day }
func shortField(sku, household string) string { return sku + "|" + household }

const (
	// soldOutTTL is how long a sold-out answer can be followed by a bare
	// 到货通知.
	soldOutTTL = 24 * time.Hour
	// shortTTL keeps a day's refusals for the office's week.
	shortTTL = 8 * 24 * time.Hour
)

// refuseScript counts one refusal of a household's order. KEYS[1] short,
// KEYS[2] shorthh, KEYS[3] soldout:<openid> (or none). ARGV: sku, units
// asked for, household, ttl (s), sold-out ttl (s). The household's count
// only grows (to the most it asked for); the day's total by as much.
var refuseScript = redis.NewScript(`
local field = ARGV[1] .. '|' .. ARGV[3]
local want = tonumber(ARGV[2])
local had = tonumber(redis.call('HGET', KEYS[2], field) or '0')
if want > had then
  redis.call('HSET', KEYS[2], field, want)
  redis.call('HINCRBY', KEYS[1], ARGV[1], want - had)
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
if KEYS[3] then
  redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[5])
end
return 1`)

// countRefusal records that o could not be placed (or grown) because of
// err, a *orders.ShortageError: the units of the refused SKU o asked for
// count as refused on o's day, once per household; a sold-out refusal is
// remembered for whoever placed o (LastSoldOut). It is best effort: the
// refusal stands whatever becomes of the count.
func (s *Store) countRefusal(ctx context.Context, o orders.Order, err error) {
	var short *orders.ShortageError
	if !errors.As(err, &short) || o.Day == "" {
		return
	}
	want := 0
	for _, l := range o.Lines {
		if l.SKU == short.SKU {
			want += l.Qty
		}
	}
	keys := []string{s.k.short(o.Day), s.k.shortHH(o.Day)}
	if errors.Is(err, orders.ErrSoldOut) && o.PlacedBy != "" {
		keys = append(keys, s.k.soldOut(o.PlacedBy))
	}
	refuseScript.Run(ctx, s.rdb, keys, short.SKU, want, o.Household(), int(shortTTL/time.Second), int(soldOutTTL/time.Second))
}

// Refused returns the units refused on order day day (sold out or over
// the limit), by SKU.
func (s *Store) Refused(ctx context.Context, day string) (map[string]int, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.short(day)).Result()
	if err != nil {
		return nil, fmt.Errorf("refused: %w", err)
	}
	out := make(map[string]int, len(m))
	for sku, v := range m {
		out[sku], _ = strconv.Atoi(v)
	}
	return out, nil
}

// LastSoldOut returns the SKU last refused to openid as sold out within a
// day, or ErrNotFound.
func (s *Store) LastSoldOut(ctx context.Context, openid string) (string, error) {
	sku, err := s.rdb.Get(ctx, s.k.soldOut(openid)).Result()
	if errors.Is(err, redis.Nil) {
		return "", fmt.Errorf("sold out to %s: %w", openid, orders.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("sold out: %w", err)
	}
	return sku, nil
}

// Wait puts openid on sku's waiting list, at the end unless they are on
// it already, and returns their place (1 first) and whether this call
// added them.
func (s *Store) Wait(ctx context.Context, sku, openid string, at time.Time) (int, bool, error) {
	var added *redis.IntCmd
	var rank *redis.IntCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		added = p.ZAddNX(ctx, s.k.wait(sku), redis.Z{Score: float64(at.UnixMilli()), Member: openid})
		rank = p.ZRank(ctx, s.k.wait(sku), openid)
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("wait for %s: %w", sku, err)
	}
	return int(rank.Val()) + 1, added.Val() == 1, nil
}

// Waiting returns how many wait for each of skus.
func (s *Store) Waiting(ctx context.Context, skus []string) (map[string]int, error) {
	cmds := make([]*redis.IntCmd, len(skus))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, sku := range skus {
			cmds[i] = p.ZCard(ctx, s.k.wait(sku))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("waiting: %w", err)
	}
	out := make(map[string]int, len(skus))
	for i, sku := range skus {
		if n := int(cmds[i].Val()); n > 0 {
			out[sku] = n
		}
	}
	return out, nil
}

// Waiters returns the first n on sku's waiting list, first come first.
func (s *Store) Waiters(ctx context.Context, sku string, n int) ([]orders.Waiter, error) {
	zs, err := s.rdb.ZRangeWithScores(ctx, s.k.wait(sku), 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("waiters of %s: %w", sku, err)
	}
	out := make([]orders.Waiter, len(zs))
	for i, z := range zs {
		out[i] = orders.Waiter{OpenID: fmt.Sprint(z.Member), At: time.UnixMilli(int64(z.Score))}
	}
	return out, nil
}

// Unwait takes waiters off sku's waiting list (they were told); someone
// who asked again since (another At) stays.
func (s *Store) Unwait(ctx context.Context, sku string, ws []orders.Waiter) error {
	if len(ws) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(ws))
	for _, w := range ws {
		args = append(args, w.OpenID, w.At.UnixMilli())
	}
	if err := unwaitScript.Run(ctx, s.rdb, []string{s.k.wait(sku)}, args...).Err(); err != nil {
		return fmt.Errorf("unwait %s: %w", sku, err)
	}
	return nil
}

var unwaitScript = redis.NewScript(`
for i = 1, #ARGV, 2 do
  if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i]) or '-1') == tonumber(ARGV[i + 1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return 1`)
