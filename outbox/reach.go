package outbox

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// Reaching people: WeChat lets the account push customer-service messages
// to a person only after they interacted, and only a few: a message they
// sent opens MessageWindow for MessageBudget messages; a menu click, a
// follow or a scan EventWindow for EventBudget (an event does not shorten
// a message's open window). The model of each person's window lives in
// Redis, bg:{community}:reach:<openid>, a hash:
//
//	until  end of the window (Unix ms)
//	cap    messages the window allows
//	used   messages pushed since it opened
//	ev     1 when an event opened it
//
// The message path writes it as each message arrives, in the same script
// that claims the message (ArrivalLua); the outbox takes a message from
// the budget before each customer-service send (reserveScript), and
// corrects the model when WeChat knows better (45015, 45047).

// The platform's windows.
const (
	MessageWindow = 48 * time.Hour
	MessageBudget = 5
	EventWindow   = time.Minute
	EventBudget   = 3
)

// Interaction is how a person's message touched their window.
type Interaction = orders.Interaction

// ArrivalLua defines the Lua functions the message path runs when a
// message arrives, so recording the interaction and reading the held
// notices cost no round trip of their own:
//
//	reach_arrive(reach_key, now_ms, how, mwin, mcap, ewin, ecap)
//	    opens the window: how is "m" (a message), "e" (an event) or ""
//	    (nothing: an unfollow, a link opened).
//	held_read(held_key, notices_key, max) -> {count, json...}
//	    returns how many notices are held for the person and the newest
//	    max of them, oldest first.
//
// ArrivalArgs gives the window arguments in order.
const ArrivalLua = `
local function reach_arrive(key, now, how, mwin, mcap, ewin, ecap)
  now = tonumber(now)
  if how == 'm' then
    redis.call('HSET', key, 'until', now + tonumber(mwin), 'cap', mcap, 'used', 0, 'ev', 0)
    redis.call('PEXPIRE', key, tonumber(mwin) + 60000)
  elseif how == 'e' then
    local u = tonumber(redis.call('HGET', key, 'until') or '0')
    if u > now and redis.call('HGET', key, 'ev') == '0' then
      return
    end
    redis.call('HSET', key, 'until', now + tonumber(ewin), 'cap', ecap, 'used', 0, 'ev', 1)
    redis.call('PEXPIRE', key, tonumber(ewin) + 60000)
  end
end
local function held_read(held, notices, max)
  local n = redis.call('ZCARD', held)
  local out = {n}
  if n == 0 then
    return out
  end
  local ids = redis.call('ZRANGE', held, -tonumber(max), -1)
  for _, id in ipairs(ids) do
    local body = redis.call('HGET', notices, id)
    if body then
      out[#out + 1] = body
    end
  end
  return out
end
`

// ArrivalArgs are reach_arrive's window arguments: mwin, mcap, ewin, ecap.
func ArrivalArgs() []any {
	return []any{MessageWindow.Milliseconds(), MessageBudget, EventWindow.Milliseconds(), EventBudget}
}

// Way is how a notice can reach a person now.
type Way int

// Ways, from the least to the most direct.
const (
	// Hold: only on the reply to their next message.
	Hold Way = iota
	// Template: a template message (any time, to a follower).
	Template
	// Custom: a customer-service message (their window is open and has
	// budget left).
	Custom
)

// reserveScript takes up to ARGV[2] messages of a person's budget at
// ARGV[1] (Unix ms), returning how many it took (0: out of reach). ARGV[3]
// names the call: run again with the same name (go-redis sends a script
// again when its first send timed out, and both may run, see
// docs/redis-resends.md) it returns what it took the first time and
// takes nothing more.
var reserveScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'op') == ARGV[3] then
  return tonumber(redis.call('HGET', KEYS[1], 'took'))
end
local u = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if u <= tonumber(ARGV[1]) then return 0 end
local left = tonumber(redis.call('HGET', KEYS[1], 'cap') or '0') - tonumber(redis.call('HGET', KEYS[1], 'used') or '0')
if left <= 0 then return 0 end
local take = math.min(left, tonumber(ARGV[2]))
redis.call('HINCRBY', KEYS[1], 'used', take)
redis.call('HSET', KEYS[1], 'op', ARGV[3], 'took', take)
return take`)

// reserve takes up to n messages of openid's budget now; it returns how
// many it took.
func (o *Outbox) reserve(ctx context.Context, openid string, n int) (int, error) {
	took, err := reserveScript.Run(ctx, o.rdb, []string{o.reach(openid)}, o.now().UnixMilli(), n, rand.Text()).Int()
	if err != nil {
		return 0, fmt.Errorf("reserve a message of the budget: %w", err)
	}
	return took, nil
}

// closeScript closes a window and spendScript spends its budget, on a
// model that exists: one removed meanwhile (删除我的信息) is not made
// again, and one that never was needs nothing to say it is closed.
var (
	closeScript = redis.NewScript(`if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'until', 0) end return 1`)
	spendScript = redis.NewScript(`local c = redis.call('HGET', KEYS[1], 'cap') if c then redis.call('HSET', KEYS[1], 'used', c) end return 1`)
)

// correct brings the model in line with WeChat's refusal err: outside the
// window, the window is closed; the budget spent, it is spent.
func (o *Outbox) correct(ctx context.Context, openid string, err error) {
	var werr error
	switch {
	case errors.Is(err, orders.ErrOutsideWindow):
		werr = closeScript.Run(ctx, o.rdb, []string{o.reach(openid)}).Err()
	case errors.Is(err, orders.ErrNoBudget):
		werr = spendScript.Run(ctx, o.rdb, []string{o.reach(openid)}).Err()
	}
	if werr != nil {
		o.log.Error("outbox: correct the window model", "err", werr)
	}
}

// Reachable says how a notice of kind (orders.Notice.Kind) can reach each
// of openids now: Custom while their window has budget left, else
// Template when a template is configured for kind (and WeChat did not
// refuse it), else Hold. It reads each window once, in one round trip.
func (o *Outbox) Reachable(ctx context.Context, kind string, openids []string) ([]Way, error) {
	out := make([]Way, len(openids))
	if len(openids) == 0 {
		return out, nil
	}
	tpl := o.templateFor(kind)
	var refused *redis.StringCmd
	cmds := make([]*redis.SliceCmd, len(openids))
	_, err := o.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range openids {
			cmds[i] = p.HMGet(ctx, o.reach(id), "until", "cap", "used")
		}
		if tpl != "" {
			refused = p.HGet(ctx, o.flags(), tplFlag(tpl))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read windows: %w", err)
	}
	if refused != nil && refused.Err() == nil {
		tpl = "" // WeChat refused it: as good as none
	}
	now := o.now().UnixMilli()
	for i, c := range cmds {
		v := c.Val()
		until, capacity, used := num(v, 0), num(v, 1), num(v, 2)
		switch {
		case until > now && used < capacity:
			out[i] = Custom
		case tpl != "":
			out[i] = Template
		}
	}
	return out, nil
}

func num(v []any, i int) int64 {
	if i >= len(v) {
		return 0
	}
	s, _ := v[i].(string)
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// templateFor returns the template id configured for notices of kind.
func (o *Outbox) templateFor(kind string) string {
	return o.Templates[orders.TemplateKind(kind)]
}

func tplFlag(id string) string { return "tpl:" + id }

// CanReach reports, for each of openids, whether a notice of kind would
// reach them now (Custom or Template) rather than be held (see
// urgent.Reacher).
func (o *Outbox) CanReach(ctx context.Context, kind string, openids []string) ([]bool, error) {
	ways, err := o.Reachable(ctx, kind, openids)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(ways))
	for i, w := range ways {
		out[i] = w != Hold
	}
	return out, nil
}
