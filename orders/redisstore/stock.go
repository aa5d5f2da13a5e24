package redisstore

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// The stock an admin adds while the service runs (the console's 补货) is
// kept apart from the catalog's totals:
//
//	bg:{c}:stock:added  HASH sku → units added (or taken off) at run time
//
// SetStock compares the catalog's totals with the totals it saw last, so a
// restart with the same catalog leaves what was added alone.
func (k keys) stockAdded() string { return k.p + "stock:added" }

// addStockScript moves what is left of one SKU by ARGV[2] and records the
// change, unless taking off would leave less than nothing; ARGV[3] =
// "zero" takes whatever is left off instead (sold out). A deficit (stock
// lowered below what was sold, see SetStock) stays: sold out takes
// nothing off it, and stock added pays it back first.
//
// KEYS[1] left, KEYS[2] added, KEYS[3] this call's op key (ARGV[4] its
// ttl in seconds). Returns {"OK", left after, left before} or {"NOSKU"} or
// {"NEGATIVE", left}; a deficit counts as 0 left. A call that ran already
// (the client sent it again after a timeout, and the first one ran after
// all) returns what it returned then and changes nothing.
var addStockScript = redis.NewScript(`
local done = redis.call('GET', KEYS[3])
if done then return cjson.decode(done) end
local res = (function()
local left = redis.call('HGET', KEYS[1], ARGV[1])
if not left then return {'NOSKU'} end
left = tonumber(left)
local n = tonumber(ARGV[2])
if ARGV[3] == 'zero' then n = 0 - math.max(left, 0) end
if n < 0 and left + n < 0 then return {'NEGATIVE', tostring(math.max(left, 0))} end
if n ~= 0 then
  redis.call('HINCRBY', KEYS[2], ARGV[1], n)
  redis.call('HINCRBY', KEYS[1], ARGV[1], n)
end
return {'OK', tostring(math.max(left + n, 0)), tostring(math.max(left, 0))}
end)()
redis.call('SET', KEYS[3], cjson.encode(res), 'EX', ARGV[4])
return res`)

// opTTL is how long a script that changes something not idempotent
// remembers its call (KEYS: k.op()): longer than any client's resend of it.
const opTTL = 10 * time.Minute

// opSeconds is opTTL as the scripts take it.
const opSeconds = int(opTTL / time.Second)

// op names one call of such a script. go-redis sends a command again
// after a read timeout; when Redis was only slow, both sends run: the
// second finds the call's key and returns what the first did.
func (k keys) op() string { return k.p + "op:" + rand.Text() }

// AddStock adds n units (n may be negative) to what is left of a limited
// SKU and returns what is left after. It returns ErrNotFound for a SKU
// without limited stock and ErrInvalid, changing nothing, when fewer than
// -n units are left. The addition survives restarts (see SetStock).
func (s *Store) AddStock(ctx context.Context, sku string, n int) (int, error) {
	left, _, err := s.moveStock(ctx, sku, n, "")
	return left, err
}

// StopSelling takes whatever is left of a limited SKU off sale (sold
// out); cancelled orders still give their units back. It returns what was
// left before, or ErrNotFound for a SKU without limited stock.
func (s *Store) StopSelling(ctx context.Context, sku string) (int, error) {
	_, was, err := s.moveStock(ctx, sku, 0, "zero")
	return was, err
}

// moveStock runs addStockScript and returns what is left after and before.
func (s *Store) moveStock(ctx context.Context, sku string, n int, op string) (left, was int, err error) {
	res, err := addStockScript.Run(ctx, s.rdb, []string{s.k.stockLeft(), s.k.stockAdded(), s.k.op()}, sku, n, op, opSeconds).StringSlice()
	if err != nil {
		return 0, 0, fmt.Errorf("add stock %s: %w", sku, err)
	}
	switch res[0] {
	case "OK":
		left, _ = strconv.Atoi(res[1])
		was, _ = strconv.Atoi(res[2])
		return left, was, nil
	case "NOSKU":
		return 0, 0, fmt.Errorf("stock of %s: %w", sku, orders.ErrNotFound)
	default:
		left, _ = strconv.Atoi(res[1])
		return left, left, fmt.Errorf("stock of %s: only %d left: %w", sku, left, orders.ErrInvalid)
	}
}

// StockTotals returns the total allocated quantity of each limited SKU:
// the catalog's total and what was added at run time.
func (s *Store) StockTotals(ctx context.Context) (map[string]int, error) {
	var total, added *redis.MapStringStringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		total = p.HGetAll(ctx, s.k.stockTotal())
		added = p.HGetAll(ctx, s.k.stockAdded())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stock totals: %w", err)
	}
	out := map[string]int{}
	for _, m := range []map[string]string{total.Val(), added.Val()} {
		for sku, v := range m {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("stock total of %s: %w", sku, err)
			}
			out[sku] += n
		}
	}
	return out, nil
}
