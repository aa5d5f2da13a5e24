package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// listTTL keeps a 接龙 snapshot for re-pastes over a few days: the same
// list is re-posted as it grows, rarely for longer than a delivery round.
const listTTL = 7 * 24 * time.Hour

// listWriteTTL keeps the answer of a WriteList call (or the fence of one
// that did nothing) for as long as its request ids last: a call held up
// in a frozen server cannot land later than that and change the answer.
const listWriteTTL = requestTTL

var (
	//go:embed listwrite.lua
	listWriteSrc    string
	listWriteScript = redis.NewScript(linesSrc + listWriteSrc)
)

// listWrittenScript returns the saved answer of a listwrite.lua call, or
// fences the call's name off ('void') when there is none yet.
//
// KEYS[1] the call's name; ARGV[1] ttl of the fence.
var listWrittenScript = redis.NewScript(`
local saved = redis.call('GET', KEYS[1])
if saved then
  return saved
end
redis.call('SET', KEYS[1], 'void', 'EX', ARGV[1])
return 'void'`)

var _ orders.ListStore = (*Store)(nil)

// Leads implements the actions' stores.
func (s *Store) Leads(ctx context.Context) ([]orders.Lead, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.leads()).Result()
	if err != nil {
		return nil, fmt.Errorf("leads: %w", err)
	}
	out := make([]orders.Lead, 0, len(m))
	for openid, v := range m {
		l := orders.Lead{OpenID: openid}
		if err := json.Unmarshal([]byte(v), &l.Buildings); err != nil {
			return nil, fmt.Errorf("lead %s: %w", openid, err)
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OpenID < out[j].OpenID })
	return out, nil
}

// AddLead implements the actions' stores.
func (s *Store) AddLead(ctx context.Context, l orders.Lead) error {
	b, err := json.Marshal(l.Buildings)
	if err != nil {
		return fmt.Errorf("add lead: %w", err)
	}
	if err := s.rdb.HSet(ctx, s.k.leads(), l.OpenID, string(b)).Err(); err != nil {
		return fmt.Errorf("add lead: %w", err)
	}
	return nil
}

// RemoveLead implements the actions' stores. Whether openid leads is read
// before the HDEL, not from its count: go-redis sends a command again
// after a read timeout, and when both sends run the second counts 0.
func (s *Store) RemoveLead(ctx context.Context, openid string) error {
	ok, err := s.rdb.HExists(ctx, s.k.leads(), openid).Result()
	if err != nil {
		return fmt.Errorf("remove lead: %w", err)
	}
	if !ok {
		return fmt.Errorf("lead: %w", orders.ErrNotFound)
	}
	if err := s.rdb.HDel(ctx, s.k.leads(), openid).Err(); err != nil {
		return fmt.Errorf("remove lead: %w", err)
	}
	return nil
}

var listForScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return ARGV[1]
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return cur`)

// ListFor implements the actions' stores.
func (s *Store) ListFor(ctx context.Context, key, fresh string, idle time.Duration) (string, error) {
	id, err := listForScript.Run(ctx, s.rdb, []string{s.k.listRound(key)}, fresh, int(idle/time.Second)).Text()
	if err != nil {
		return "", fmt.Errorf("list round: %w", err)
	}
	return id, nil
}

// ListEntries implements the actions' stores.
func (s *Store) ListEntries(ctx context.Context, listID string) (map[string]orders.ListEntry, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.list(listID)).Result()
	if err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	out := make(map[string]orders.ListEntry, len(m))
	for hh, v := range m {
		var e orders.ListEntry
		if err := json.Unmarshal([]byte(v), &e); err != nil {
			return nil, fmt.Errorf("list entry %s: %w", hh, err)
		}
		out[hh] = e
	}
	return out, nil
}

// WriteList implements orders.ListStore: one INCRBY for the ids of the
// orders to place, then listwrite.lua.
func (s *Store) WriteList(ctx context.Context, key, listID string, ws []orders.ListWrite) ([]orders.ListWritten, error) {
	places := 0
	for _, w := range ws {
		if w.Place != nil {
			places++
		}
	}
	// Ids come first, as in PlaceOrder: the script must name every key.
	var next int64
	if places > 0 {
		last, err := s.rdb.IncrBy(ctx, s.k.seq(), int64(places)).Result()
		if err != nil {
			return nil, fmt.Errorf("write list: next ids: %w", err)
		}
		next = firstID + last - int64(places) + 1
	}
	keys := []string{s.k.listWrite(key), s.k.stockLeft(), s.k.all(), s.k.list(listID)}
	args := []any{int(listWriteTTL / time.Second), int(requestTTL / time.Second), int(limitTTL / time.Second),
		int(listTTL / time.Second), len(ws)}
	for _, w := range ws {
		args = append(args, w.Entry.Household, w.Entry.Line)
		if w.Place == nil {
			args = append(args, "entry", w.Entry.OrderID)
			continue
		}
		o := *w.Place
		o.ID = strconv.FormatInt(next, 10)
		next++
		order, err := s.placeArgs(o)
		if err != nil {
			return nil, err
		}
		hh := o.Household()
		keys = append(keys, s.k.request(w.RequestID), s.k.limits(o.CountsOn(), hh), s.k.order(o.ID),
			s.k.queue(o.Grid), s.k.household(hh), s.k.day(o.Day))
		args = append(append(args, "place"), order...)
	}
	return s.listAnswer(ctx, "write list", listWriteScript.Run(ctx, s.rdb, keys, args...), ws)
}

// ListWritten implements orders.ListStore.
func (s *Store) ListWritten(ctx context.Context, key string, ws []orders.ListWrite) ([]orders.ListWritten, error) {
	res := listWrittenScript.Run(ctx, s.rdb, []string{s.k.listWrite(key)}, int(listWriteTTL/time.Second))
	return s.listAnswer(ctx, "list written", res, ws)
}

// listAnswer turns listwrite.lua's answer about ws (or the look-up's) into
// results, reading the orders placed before under the same request ids.
// Errors start with what.
func (s *Store) listAnswer(ctx context.Context, what string, res *redis.Cmd, ws []orders.ListWrite) (_ []orders.ListWritten, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("%s: %w", what, err)
		}
	}()
	answer, err := res.Text()
	if err != nil {
		return nil, err
	}
	if answer == "void" {
		return nil, fmt.Errorf("the call did nothing and is fenced off: %w", orders.ErrNotFound)
	}
	var rows [][]string
	if err := json.Unmarshal([]byte(answer), &rows); err != nil || len(rows) != len(ws) {
		return nil, fmt.Errorf("unexpected answer %.80q (%d writes): %v", answer, len(ws), err)
	}
	out := make([]orders.ListWritten, len(ws))
	var dups []string
	for i, r := range rows {
		switch {
		case len(r) == 0:
			return nil, fmt.Errorf("empty answer for write %d", i)
		case r[0] == "ENTRY":
		case r[0] == "OK" && ws[i].Place != nil:
			out[i].Order, out[i].Created = *ws[i].Place, true
			out[i].Order.ID = r[1]
		case r[0] == "DUP":
			dups = append(dups, r[1])
		case r[0] == "SOLDOUT", r[0] == "LIMIT":
			out[i].Err = s.shortage(r)
			if ws[i].Place != nil {
				s.countRefusal(ctx, *ws[i].Place, out[i].Err)
			}
		default:
			return nil, fmt.Errorf("unexpected answer %q for write %d", r, i)
		}
	}
	if len(dups) == 0 {
		return out, nil
	}
	earlier, err := s.OrdersByID(ctx, dups)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if r[0] == "DUP" {
			o, ok := earlier[r[1]]
			if !ok { // not ErrNotFound: that would say the call did nothing
				return nil, fmt.Errorf("order %s of request %s is gone", r[1], ws[i].RequestID)
			}
			out[i].Order = o
		}
	}
	return out, nil
}
