// Package redisstore keeps baogong's orders in Redis: the system of record.
// Every write that must be all-or-nothing is one Lua script, and every key of
// a community shares one hash tag so the same scripts run on Redis Cluster.
package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/outbox"
)

var (
	//go:embed lines.lua
	linesSrc string
	//go:embed place.lua
	placeSrc string
	//go:embed transition.lua
	transitionSrc string
	//go:embed stock.lua
	stockSrc string
	//go:embed update.lua
	updateSrc string
	//go:embed revise.lua
	reviseSrc string
	//go:embed bindreq.lua
	bindRequestSrc string
	//go:embed bind.lua
	bindSrc string
	//go:embed claim.lua
	claimSrc string
	//go:embed unbind.lua
	unbindSrc string
	//go:embed place_main.lua
	placeMainSrc string
	//go:embed place_arrive.lua
	placeArriveSrc string

	// The scripts that move stock and limits share lines.lua.
	placeScript = redis.NewScript(linesSrc + replySrc + placeSrc + placeMainSrc)
	// The order message's one script: claim, resolve, place.
	placeArriveScript = redis.NewScript(outbox.ArrivalLua + linesSrc + replySrc + resolveSrc + placeSrc + placeArriveSrc)
	transitionScript  = redis.NewScript(linesSrc + replySrc + transitionSrc)
	stockScript       = redis.NewScript(stockSrc)
	updateScript      = redis.NewScript(linesSrc + updateSrc)
	bindScript        = redis.NewScript(bindSrc)
	bindRequestScript = redis.NewScript(bindRequestSrc)
	reviseScript      = redis.NewScript(linesSrc + reviseSrc)
	claimOrderScript  = redis.NewScript(linesSrc + claimSrc)
	unbindScript      = redis.NewScript(unbindSrc)
)

const (
	// firstID makes the first order 1001 (place_order in lines.lua
	// allocates the same way): four digits are easy to say on the phone.
	firstID = 1000
	// requestTTL is how long a request id is remembered. WeChat retries
	// within seconds; a day also covers a lead re-sending yesterday's list.
	requestTTL = 24 * time.Hour
	// limitTTL keeps a day's limit counters until the day is surely over.
	// The TTL runs from an order, and an order may count for a day up to
	// MaxClosedAhead days ahead (today and tomorrow closed): its counters
	// must outlive the end of that day, up to three days away, or a later
	// order of the same day would find them gone and order its limit
	// again. A day more is margin.
	limitTTL = (orders.MaxClosedAhead + 2) * 24 * time.Hour
	// defaultListLimit bounds listings that did not ask for a limit.
	defaultListLimit = 1000
	// maxTransitionTries bounds the compare-and-set loop when orders
	// change under us.
	maxTransitionTries = 5
)

// Store is the Redis implementation of orders.Store for one community.
type Store struct {
	rdb redis.UniversalClient
	cat *catalog.Catalog
	k   keys
	// ClaimTTL and ReplyTTL tune message claims and saved answers (zero:
	// DefaultClaimTTL, DefaultReplyTTL).
	ClaimTTL, ReplyTTL time.Duration
	// AckReplicas is how many replicas must hold a placed order before
	// it counts as confirmed (0: none, for a server without replicas);
	// AckTimeout how long placing waits for them (zero:
	// DefaultAckTimeout). See replicas.go.
	AckReplicas int
	AckTimeout  time.Duration
}

// New returns a store for community over rdb. The catalog says which SKUs
// have limited stock and what each household may order per day.
func New(rdb redis.UniversalClient, community string, cat *catalog.Catalog) *Store {
	return &Store{rdb: rdb, cat: cat, k: newKeys(community)}
}

// Ping implements the actions' stores.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis ping: %w", err)
	}
	return nil
}

// lineArgs renders lines as the scripts' per-line arguments.
func (s *Store) lineArgs(lines []orders.Line) []any {
	args := []any{len(lines)}
	for _, l := range lines {
		limited, limit := "0", 0
		if it, ok := s.cat.Item(l.SKU); ok {
			if it.Limited() {
				limited = "1"
			}
			limit = it.LimitPerHousehold
		}
		args = append(args, l.SKU, l.Qty, limited, limit)
	}
	return args
}

// placeArgs renders o as place_order (lines.lua) reads it.
func (s *Store) placeArgs(o orders.Order) ([]any, error) {
	data, err := encode(o)
	if err != nil {
		return nil, err
	}
	args := []any{o.ID, data, string(o.Status), o.CreatedAt.UnixMilli(), queueScore(o)}
	return append(args, s.lineArgs(o.Lines)...), nil
}

// PlaceOrder implements actions.OrderStore. The id is allocated in the
// same script (the first order is 1001: four digits are easy to say on
// the phone), so placing is one round trip; with an ack it also saves the
// message's answer (see orders.Ack), and with AckReplicas it waits for the
// replicas in the same round trip, setting Ack.Unconfirmed when they did
// not confirm in time.
func (s *Store) PlaceOrder(ctx context.Context, o orders.Order, requestID string, ack *orders.Ack) (orders.Order, bool, error) {
	if requestID == "" {
		return orders.Order{}, false, fmt.Errorf("place order: empty request id: %w", orders.ErrInvalid)
	}
	o.ID = ""
	order, err := s.placeArgs(o)
	if err != nil {
		return orders.Order{}, false, err
	}
	if data, _ := order[1].(string); !strings.HasPrefix(data, `{"id":""`) {
		return orders.Order{}, false, fmt.Errorf("place order: record does not start with its id")
	}
	hh := o.Household()
	keys := []string{
		s.k.request(requestID), s.k.stockLeft(), s.k.limits(o.CountsOn(), hh), s.k.seq(),
		s.k.queue(o.Grid), s.k.all(), s.k.household(hh), s.k.day(o.Day),
	}
	reqTTL := int(requestTTL / time.Second)
	if ack != nil && ack.Once {
		reqTTL = 0 // the message's claim makes it once (see lines.lua)
	}
	args := append([]any{reqTTL, int(limitTTL / time.Second), s.k.order("")}, order...)
	var answer string
	script := placeScript
	if ack != nil {
		draft := o
		draft.ID = idPlaceholder
		answer = ack.Render(draft)
		keys, args = s.ackArgs(ack, keys, args, answer)
		args = append(args, idPlaceholder)
		if ar := ack.Arrive; ar != nil {
			rk, ra := s.resolveCall(ack.Key, ack.Owner, *ar)
			keys, args = append(keys, rk...), append(append(args, ra...), ar.State, ar.PerMinute)
			script = placeArriveScript
			ar.Sent = true
		}
	}
	cmd, acked, err := s.runAcked(ctx, script, keys, args...)
	if err != nil {
		return orders.Order{}, false, fmt.Errorf("place order: %w", err)
	}
	if ar := arriveOf(ack); ar != nil {
		raw, err := cmd.Slice()
		if err != nil {
			return orders.Order{}, false, fmt.Errorf("place order: %w", err)
		}
		if head, _ := raw[0].(string); head != "OK" && head != "DUP" && head != "SOLDOUT" && head != "LIMIT" {
			if ar.Arrival, err = arrival(raw, ar.OpenID, ar.Grids); err != nil {
				return orders.Order{}, false, fmt.Errorf("place order: arrive: %w", err)
			}
			return orders.Order{}, false, fmt.Errorf("place order: %w", orders.ErrStale)
		}
	}
	res, err := cmd.StringSlice()
	if err != nil {
		return orders.Order{}, false, fmt.Errorf("place order: %w", err)
	}
	if ack != nil {
		if err := ackRefused(ack, res); err != nil {
			return orders.Order{}, false, fmt.Errorf("place order: %w", err)
		}
	}
	switch res[0] {
	case "OK":
		o.ID = res[1]
		if ack != nil {
			ack.Saved, ack.Reply = true, strings.ReplaceAll(answer, idPlaceholder, o.ID)
			ack.Unconfirmed = !acked
		}
		return o, true, nil
	case "DUP":
		prev, err := s.Order(ctx, res[1])
		if err != nil {
			return orders.Order{}, false, fmt.Errorf("place order: earlier order of request: %w", err)
		}
		return prev, false, nil
	case "SOLDOUT", "LIMIT":
		err := s.shortage(res)
		s.countRefusal(ctx, o, err)
		return orders.Order{}, false, fmt.Errorf("place order: %w", err)
	}
	return orders.Order{}, false, fmt.Errorf("place order: unexpected script answer %q", res)
}

// arriveOf is a's Arrive, nil without one.
func arriveOf(a *orders.Ack) *orders.Arrive {
	if a == nil {
		return nil
	}
	return a.Arrive
}

// CancelOrder implements actions.OrderStore.
func (s *Store) CancelOrder(ctx context.Context, id, by, note string, at time.Time, ack *orders.Ack) (orders.Order, error) {
	return s.transitionIf(ctx, id, nil, orders.StatusCancelled, by, note, at, true, nil, ack)
}

// Transition implements actions.OrderStore.
func (s *Store) Transition(ctx context.Context, id string, to orders.Status, by, note string, at time.Time) (orders.Order, error) {
	return s.transitionIf(ctx, id, nil, to, by, note, at, to == orders.StatusCancelled, nil, nil)
}

// Assign implements the actions' stores.
func (s *Store) Assign(ctx context.Context, id, volunteer string, slot, at time.Time) (orders.Order, error) {
	// A roster takes pending orders, and stops left from an earlier round,
	// but never an order someone claimed (领取): the check is part of the
	// compare-and-set, so a claim landing while a roster is applied wins.
	rosterable := func(o orders.Order) bool {
		return o.Status == orders.StatusPending || (o.Status == orders.StatusAssigned && o.ClaimedBy == "")
	}
	o, err := s.transitionIf(ctx, id, rosterable, orders.StatusAssigned, volunteer, "排班", at, false, func(o *orders.Order) {
		o.Assignee, o.Slot = volunteer, slot
	}, nil)
	if err != nil {
		return o, err
	}
	// Remember the volunteer's latest round, so 任务 and 完成 still find
	// it after every stop is delivered. Only a later slot replaces it.
	if err := roundScript.Run(ctx, s.rdb, []string{s.k.round(volunteer)}, o.Grid, slot.Unix(), int(jobTTL/time.Second)).Err(); err != nil {
		return o, fmt.Errorf("assign %s: remember round: %w", id, err)
	}
	return o, nil
}

var roundScript = redis.NewScript(`
local cur = tonumber(redis.call('HGET', KEYS[1], 'slot') or '0')
if tonumber(ARGV[2]) >= cur then
  redis.call('HSET', KEYS[1], 'grid', ARGV[1], 'slot', ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 1`)

// Round implements the actions' stores.
func (s *Store) Round(ctx context.Context, volunteer string) (string, time.Time, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.round(volunteer)).Result()
	if err != nil {
		return "", time.Time{}, fmt.Errorf("round: %w", err)
	}
	if len(m) == 0 {
		return "", time.Time{}, fmt.Errorf("round of volunteer: %w", orders.ErrNotFound)
	}
	sec, err := strconv.ParseInt(m["slot"], 10, 64)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("round: %w", err)
	}
	return m["grid"], time.Unix(sec, 0), nil
}

// Revise changes order id as change says (its payment, or lines the
// supplier could not pack), in one compare-and-set, retried when the order
// changed between the read and the write. change sees the order as it is
// and returns the quantities whose household limits go back (stock does
// not: the goods are not there), or an error to change nothing, which
// Revise returns. A change may cancel the order (left with nothing): it
// then leaves its grid's queue. ErrNotFound for an unknown order.
func (s *Store) Revise(ctx context.Context, id string, change func(*orders.Order) ([]orders.Line, error)) (orders.Order, error) {
	return s.revise(ctx, id, change, nil)
}

// shortGuard is the shortfall record a cut moves in the same step: from
// was units to rec.
type shortGuard struct {
	was int
	rec func(back []orders.Line) orders.Shortfall
}

func (s *Store) revise(ctx context.Context, id string, change func(*orders.Order) ([]orders.Line, error), guard *shortGuard) (orders.Order, error) {
	for range maxTransitionTries {
		o, ver, err := s.read(ctx, id)
		if err != nil {
			return orders.Order{}, err
		}
		next := o
		next.Lines = append([]orders.Line(nil), o.Lines...)
		next.History = append([]orders.Event(nil), o.History...)
		back, err := change(&next)
		if err != nil {
			return o, err
		}
		data, err := encode(next)
		if err != nil {
			return orders.Order{}, err
		}
		args := []any{ver, string(o.Status), string(next.Status), data, id, len(back)}
		for _, l := range back {
			limit := 0
			if it, ok := s.cat.Item(l.SKU); ok {
				limit = it.LimitPerHousehold
			}
			args = append(args, l.SKU, -l.Qty, "0", limit)
		}
		keys := []string{s.k.order(id), s.k.stockLeft(), s.k.limits(o.CountsOn(), o.Household()), s.k.queue(o.Grid)}
		if guard != nil {
			rec := guard.rec(back)
			recData, err := json.Marshal(rec)
			if err != nil {
				return orders.Order{}, fmt.Errorf("shortfall: %w", err)
			}
			keys = append(keys, s.k.shortfall(rec.Day, rec.SKU))
			args = append(args, guard.was, string(recData), int(jobTTL/time.Second))
		}
		res, err := reviseScript.Run(ctx, s.rdb, keys, args...).StringSlice()
		if err != nil {
			return orders.Order{}, fmt.Errorf("revise order %s: %w", id, err)
		}
		switch res[0] {
		case "OK":
			return next, nil
		case "NOTFOUND":
			return orders.Order{}, fmt.Errorf("order %s: %w", id, orders.ErrNotFound)
		case "MOVED":
			return o, fmt.Errorf("shortfall at %s units, not %d: %w", res[1], guard.was, orders.ErrShortfallMoved)
		}
		// STALE, CONFLICT: the order changed since our read. By us, when
		// the client sent the script again after a timeout and the first
		// one ran (the order now is what we wrote): that is the change
		// made, not one to make again, which change would refuse.
		if cur, err := s.rdb.HGet(ctx, s.k.order(id), "data").Result(); err == nil && cur == data {
			return next, nil
		}
		// Else read it again; change decides.
	}
	return orders.Order{}, fmt.Errorf("revise order %s: changed too often, gave up: %w", id, orders.ErrConflict)
}

// transitionIf moves order id to status to when allow accepts its status
// (nil: when it may move to to, see orders.CanMove), retrying when the
// order changed between our read and the script; the status is checked
// again in the script, so the order cannot change status in between. With
// an ack it saves the message's answer in the same step.
func (s *Store) transitionIf(ctx context.Context, id string, allow func(orders.Order) bool, to orders.Status, by, note string, at time.Time, giveBack bool, mutate func(*orders.Order), ack *orders.Ack) (orders.Order, error) {
	if allow == nil {
		allow = func(o orders.Order) bool { return orders.CanMove(o.Status, to) }
	}
	// sent is the event our last script call would have added, at its
	// place in the history: a call that timed out and was sent again by
	// the client (or whose answer was lost) may have run after all, and
	// the call that answered then found the order changed: by us.
	var sent *orders.Event
	at0 := -1
	for range maxTransitionTries {
		o, ver, err := s.read(ctx, id)
		if err != nil {
			return orders.Order{}, err
		}
		if sent != nil && at0 < len(o.History) && sameEvent(o.History[at0], *sent) {
			return o, nil
		}
		if !allow(o) {
			return o, fmt.Errorf("order %s is %s, cannot become %s: %w", id, o.Status, to, orders.ErrConflict)
		}
		from := o.Status
		next := o
		next.Status = to
		next.UpdatedAt = at
		ev := orders.Event{At: at, Status: to, By: by, Note: note}
		sent, at0 = &ev, len(o.History)
		next.History = append(append([]orders.Event(nil), o.History...), ev)
		if mutate != nil {
			mutate(&next)
		}
		if to == orders.StatusCancelled {
			next.Rebalance() // what was paid for it is owed back
		}
		if next.Day != o.Day && next.LimitDay == "" {
			next.LimitDay = o.CountsOn() // its limits stay where they were taken
		}
		data, err := encode(next)
		if err != nil {
			return orders.Order{}, err
		}
		// The day index follows the order's delivery day.
		keys := []string{s.k.order(id), s.k.stockLeft(), s.k.limits(o.CountsOn(), o.Household()), s.k.queue(o.Grid),
			s.k.day(o.Day), s.k.day(next.Day)}
		back := make([]orders.Line, len(o.Lines))
		for i, l := range o.Lines {
			back[i] = orders.Line{SKU: l.SKU, Qty: -l.Qty}
		}
		args := append([]any{ver, string(from), string(to), data, id, boolArg(!to.Open()), boolArg(giveBack), o.CreatedAt.UnixMilli()}, s.lineArgs(back)...)
		answer := ""
		if ack != nil {
			answer = ack.Render(next)
			keys, args = s.ackArgs(ack, keys, args, answer)
		}
		res, err := transitionScript.Run(ctx, s.rdb, keys, args...).StringSlice()
		if err != nil {
			return orders.Order{}, fmt.Errorf("order %s to %s: %w", id, to, err)
		}
		if ack != nil {
			if err := ackRefused(ack, res); err != nil {
				return orders.Order{}, fmt.Errorf("order %s to %s: %w", id, to, err)
			}
		}
		switch res[0] {
		case "OK":
			if ack != nil {
				ack.Saved, ack.Reply = true, answer
			}
			return next, nil
		case "NOTFOUND":
			return orders.Order{}, fmt.Errorf("order %s: %w", id, orders.ErrNotFound)
		case "STALE", "CONFLICT":
			continue // read again: the status check above decides
		}
		return orders.Order{}, fmt.Errorf("order %s to %s: unexpected script answer %q", id, to, res)
	}
	return orders.Order{}, fmt.Errorf("order %s to %s: changed too often, gave up: %w", id, to, orders.ErrConflict)
}

// sameEvent reports whether a and b are the same change of an order.
func sameEvent(a, b orders.Event) bool {
	return a.At.Equal(b.At) && a.Status == b.Status && a.By == b.By && a.Note == b.Note
}

// shortage turns a script's SOLDOUT/LIMIT answer into a *ShortageError.
func (s *Store) shortage(res []string) error {
	left, _ := strconv.Atoi(res[2])
	e := &orders.ShortageError{Kind: orders.ErrSoldOut, SKU: res[1], Left: max(left, 0)}
	if res[0] == "LIMIT" {
		e.Kind = orders.ErrLimit
		if it, ok := s.cat.Item(res[1]); ok {
			e.Limit = it.LimitPerHousehold
		}
	}
	return e
}

// UpdateLines implements the actions' stores.
func (s *Store) UpdateLines(ctx context.Context, id string, lines []orders.Line, totalFen int64, by string, at time.Time) (orders.Order, error) {
	for range maxTransitionTries {
		o, ver, err := s.read(ctx, id)
		if err != nil {
			return orders.Order{}, err
		}
		if o.Status != orders.StatusPending {
			return o, fmt.Errorf("order %s is %s, cannot change: %w", id, o.Status, orders.ErrConflict)
		}
		next := o
		next.Lines, next.TotalFen, next.UpdatedAt = lines, totalFen, at
		next.Rebalance() // paid and grown: owes the difference; shrunk: owed back
		next.History = append(append([]orders.Event(nil), o.History...), orders.Event{At: at, Status: o.Status, By: by, Note: "修改"})
		data, err := encode(next)
		if err != nil {
			return orders.Order{}, err
		}
		delta := map[string]int{}
		var skus []string
		for _, l := range lines {
			if _, ok := delta[l.SKU]; !ok {
				skus = append(skus, l.SKU)
			}
			delta[l.SKU] += l.Qty
		}
		for _, l := range o.Lines {
			if _, ok := delta[l.SKU]; !ok {
				skus = append(skus, l.SKU)
			}
			delta[l.SKU] -= l.Qty
		}
		changes := make([]orders.Line, 0, len(skus))
		for _, sku := range skus {
			if delta[sku] != 0 {
				changes = append(changes, orders.Line{SKU: sku, Qty: delta[sku]})
			}
		}
		keys := []string{s.k.order(id), s.k.stockLeft(), s.k.limits(o.CountsOn(), o.Household())}
		args := append([]any{ver, data, int(limitTTL / time.Second)}, s.lineArgs(changes)...)
		res, err := updateScript.Run(ctx, s.rdb, keys, args...).StringSlice()
		if err != nil {
			return orders.Order{}, fmt.Errorf("update order %s: %w", id, err)
		}
		switch res[0] {
		case "OK":
			return next, nil
		case "NOTFOUND":
			return orders.Order{}, fmt.Errorf("order %s: %w", id, orders.ErrNotFound)
		case "SOLDOUT", "LIMIT":
			err := s.shortage(res)
			s.countRefusal(ctx, next, err)
			return o, fmt.Errorf("update order %s: %w", id, err)
		case "STALE", "CONFLICT":
			continue
		}
		return orders.Order{}, fmt.Errorf("update order %s: unexpected script answer %q", id, res)
	}
	return orders.Order{}, fmt.Errorf("update order %s: changed too often, gave up: %w", id, orders.ErrConflict)
}

// OpenOrders implements the actions' stores.
func (s *Store) OpenOrders(ctx context.Context, grid string) ([]orders.Order, error) {
	ids, err := s.rdb.ZRange(ctx, s.k.queue(grid), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("open orders of %s: %w", grid, err)
	}
	return s.readMany(ctx, ids)
}

// UrgentOrders returns the urgent orders waiting in a grid's queue, oldest
// first: only they score below zero (see queueScore), so the urgent job's
// minute reads them and not every open order of the grid.
func (s *Store) UrgentOrders(ctx context.Context, grid string) ([]orders.Order, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, s.k.queue(grid), &redis.ZRangeBy{Min: "-inf", Max: "(0"}).Result()
	if err != nil {
		return nil, fmt.Errorf("urgent orders of %s: %w", grid, err)
	}
	return s.readMany(ctx, ids)
}

func boolArg(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// read returns an order and its version.
func (s *Store) read(ctx context.Context, id string) (orders.Order, string, error) {
	vals, err := s.rdb.HMGet(ctx, s.k.order(id), "data", "ver").Result()
	if err != nil {
		return orders.Order{}, "", fmt.Errorf("read order %s: %w", id, err)
	}
	data, _ := vals[0].(string)
	ver, _ := vals[1].(string)
	if data == "" {
		return orders.Order{}, "", fmt.Errorf("order %s: %w", id, orders.ErrNotFound)
	}
	o, err := decode(data)
	if err != nil {
		return orders.Order{}, "", fmt.Errorf("order %s: %w", id, err)
	}
	return o, ver, nil
}

// OrdersByID implements orders.ListStore: one pipelined read.
func (s *Store) OrdersByID(ctx context.Context, ids []string) (map[string]orders.Order, error) {
	list, err := s.readMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]orders.Order, len(list))
	for _, o := range list {
		out[o.ID] = o
	}
	return out, nil
}

// RecentOrders implements orders.ListStore: one pipelined read of the
// households' indexes (scored by placing time), then one of the orders.
func (s *Store) RecentOrders(ctx context.Context, households []string, since time.Time) (map[string][]orders.Order, error) {
	cmds := make([]*redis.StringSliceCmd, len(households))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, hh := range households {
			cmds[i] = p.ZRangeByScore(ctx, s.k.household(hh), &redis.ZRangeBy{Min: strconv.FormatInt(since.UnixMilli(), 10), Max: "+inf"})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recent orders: %w", err)
	}
	var ids []string
	for _, c := range cmds {
		ids = append(ids, c.Val()...)
	}
	out := map[string][]orders.Order{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := s.readMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, o := range list {
		out[o.Household()] = append(out[o.Household()], o)
	}
	return out, nil
}

// Order implements the actions' stores.
func (s *Store) Order(ctx context.Context, id string) (orders.Order, error) {
	o, _, err := s.read(ctx, id)
	return o, err
}

// HouseholdOrders implements the actions' stores.
func (s *Store) HouseholdOrders(ctx context.Context, household string, limit int) ([]orders.Order, error) {
	return s.list(ctx, s.k.household(household), orders.Filter{Limit: limit})
}

// Orders implements the actions' stores.
func (s *Store) Orders(ctx context.Context, f orders.Filter) ([]orders.Order, error) {
	index := s.k.all()
	if f.Day != "" {
		index = s.k.day(f.Day)
	}
	return s.list(ctx, index, f)
}

// list walks an index newest first, reading orders in pipelined pages and
// keeping those that match f.
func (s *Store) list(ctx context.Context, index string, f orders.Filter) ([]orders.Order, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	const page = 200
	var out []orders.Order
	for start := int64(0); len(out) < limit; start += page {
		ids, err := s.rdb.ZRevRange(ctx, index, start, start+page-1).Result()
		if err != nil {
			return nil, fmt.Errorf("list orders: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		batch, err := s.readMany(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, o := range batch {
			if f.Match(&o) && len(out) < limit {
				out = append(out, o)
			}
		}
		if len(ids) < page {
			break
		}
	}
	return out, nil
}

// readMany reads orders in one pipeline, skipping ids that are gone.
func (s *Store) readMany(ctx context.Context, ids []string) ([]orders.Order, error) {
	cmds := make([]*redis.SliceCmd, len(ids))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HMGet(ctx, s.k.order(id), "data", "ver")
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read orders: %w", err)
	}
	out := make([]orders.Order, 0, len(ids))
	for _, c := range cmds {
		vals, err := c.Result()
		if err != nil {
			return nil, fmt.Errorf("read orders: %w", err)
		}
		data, _ := vals[0].(string)
		if data == "" {
			continue
		}
		o, err := decode(data)
		if err != nil {
			return nil, err
		}
		o.Version, _ = vals[1].(string)
		out = append(out, o)
	}
	return out, nil
}

// HouseholdUsers implements the actions' stores.
func (s *Store) HouseholdUsers(ctx context.Context, household string) ([]string, error) {
	users, err := s.rdb.SMembers(ctx, s.k.users(household)).Result()
	if err != nil {
		return nil, fmt.Errorf("household users: %w", err)
	}
	sort.Strings(users)
	return users, nil
}

// Binding implements the actions' stores.
func (s *Store) Binding(ctx context.Context, openid string) (orders.Binding, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.binding(openid)).Result()
	if err != nil {
		return orders.Binding{}, fmt.Errorf("binding: %w", err)
	}
	if len(m) == 0 {
		return orders.Binding{}, fmt.Errorf("binding of user: %w", orders.ErrNotFound)
	}
	at, _ := time.Parse(time.RFC3339, m["at"])
	return orders.Binding{
		OpenID:  openid,
		Address: orders.Address{Building: m["building"], Unit: m["unit"], Room: m["room"]},
		Grid:    m["grid"],
		At:      at,
	}, nil
}

// SetStock implements the actions' stores.
func (s *Store) SetStock(ctx context.Context, totals map[string]int) error {
	if len(totals) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(totals))
	for sku, n := range totals {
		args = append(args, sku, n)
	}
	res, err := stockScript.Run(ctx, s.rdb, []string{s.k.stockTotal(), s.k.stockLeft()}, args...).StringSlice()
	if err != nil {
		return fmt.Errorf("set stock: %w", err)
	}
	if len(res) == 0 {
		return nil
	}
	over := &orders.OversoldError{Over: map[string]int{}}
	for i := 0; i+1 < len(res); i += 2 {
		over.Over[res[i]], _ = strconv.Atoi(res[i+1])
	}
	return over
}

// StockLeft implements the actions' stores.
func (s *Store) StockLeft(ctx context.Context) (map[string]int, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.stockLeft()).Result()
	if err != nil {
		return nil, fmt.Errorf("stock left: %w", err)
	}
	out := make(map[string]int, len(m))
	for sku, v := range m {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("stock left of %s: %w", sku, err)
		}
		out[sku] = max(n, 0) // a deficit (stock lowered below sales) is nothing left
	}
	return out, nil
}

//go:embed assign.lua
var assignSrc string

var assignScript = redis.NewScript(assignSrc)

// assignBatch is how many orders one assign.lua call moves.
const assignBatch = 200

// AssignRound implements jobs.Store: it puts every stop of ro with a
// volunteer on that volunteer's round at ro.Slot, as Assign does one by
// one, a batch of orders per script: 100 000 stops are 500 calls, not
// 300 000. read are the orders as the roster read them (with their
// Version): an order not among them is read again. An order claimed
// (领取), taken out of the queue or changed since is left or tried again
// alone (Assign); it returns how many it assigned.
func (s *Store) AssignRound(ctx context.Context, ro orders.Roster, read map[string]orders.Order, at time.Time) (int, error) {
	type job struct{ id, volunteer string }
	var todo []job
	for _, sh := range ro.Shares {
		if sh.Volunteer == "" {
			continue // nobody on duty: the orders stay pending
		}
		for _, st := range sh.Stops {
			todo = append(todo, job{st.OrderID, sh.Volunteer})
		}
		// Remember each volunteer's latest round, so 任务 and 完成 still
		// find it after every stop is delivered.
		if len(sh.Stops) > 0 {
			if err := roundScript.Run(ctx, s.rdb, []string{s.k.round(sh.Volunteer)}, ro.Grid, ro.Slot.Unix(), int(jobTTL/time.Second)).Err(); err != nil {
				return 0, fmt.Errorf("assign round: remember round: %w", err)
			}
		}
	}
	done := 0
	for len(todo) > 0 {
		batch := todo[:min(len(todo), assignBatch)]
		todo = todo[len(batch):]
		var missing []string
		for _, j := range batch {
			if o, ok := read[j.id]; !ok || o.Version == "" {
				missing = append(missing, j.id)
			}
		}
		again, err := s.readMany(ctx, missing)
		if err != nil {
			return done, err
		}
		cur := make(map[string]orders.Order, len(batch))
		for _, j := range batch {
			if o, ok := read[j.id]; ok && o.Version != "" {
				cur[j.id] = o
			}
		}
		for _, o := range again {
			cur[o.ID] = o
		}
		var keys []string
		var args []any
		var sent []job
		for _, j := range batch {
			o, ok := cur[j.id]
			// As Assign: pending orders, and stops left from an earlier
			// round, never an order someone claimed.
			if !ok || !(o.Status == orders.StatusPending || (o.Status == orders.StatusAssigned && o.ClaimedBy == "")) {
				continue
			}
			next := o
			next.Status, next.UpdatedAt = orders.StatusAssigned, at
			next.History = append(append([]orders.Event(nil), o.History...), orders.Event{At: at, Status: orders.StatusAssigned, By: j.volunteer, Note: "排班"})
			next.Assignee, next.Slot = j.volunteer, ro.Slot
			data, err := encode(next)
			if err != nil {
				return done, err
			}
			keys = append(keys, s.k.order(j.id))
			args = append(args, o.Version, string(o.Status), data, "")
			sent = append(sent, j)
		}
		if len(keys) == 0 {
			continue
		}
		res, err := assignScript.Run(ctx, s.rdb, keys, args...).StringSlice()
		if err != nil {
			return done, fmt.Errorf("assign round: %w", err)
		}
		for i, r := range res {
			switch r {
			case "OK":
				done++
			case "STALE":
				// Changed since we read it: the one-by-one path reads it
				// again and decides.
				if _, err := s.Assign(ctx, sent[i].id, sent[i].volunteer, ro.Slot, at); err == nil {
					done++
				} else if !errors.Is(err, orders.ErrConflict) && !errors.Is(err, orders.ErrNotFound) {
					return done, err
				}
			}
		}
	}
	return done, nil
}

// StatusCounts counts the orders of days by status, reading each order's
// status field, not the order (a scrape of /metrics over 100 000 orders).
func (s *Store) StatusCounts(ctx context.Context, days ...string) (map[orders.Status]int, error) {
	out := map[orders.Status]int{}
	for _, day := range days {
		ids, err := s.rdb.ZRange(ctx, s.k.day(day), 0, -1).Result()
		if err != nil {
			return nil, fmt.Errorf("status counts: %w", err)
		}
		for len(ids) > 0 {
			batch := ids[:min(len(ids), 1000)]
			ids = ids[len(batch):]
			cmds := make([]*redis.StringCmd, len(batch))
			if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i, id := range batch {
					cmds[i] = p.HGet(ctx, s.k.order(id), "status")
				}
				return nil
			}); err != nil && !errors.Is(err, redis.Nil) {
				return nil, fmt.Errorf("status counts: %w", err)
			}
			for _, c := range cmds {
				if st, err := c.Result(); err == nil {
					out[orders.Status(st)]++
				}
			}
		}
	}
	return out, nil
}
