package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// Held notices. A notice that can reach its person in no way now (out of
// their window, no template for its kind) is held: it waits in
// bg:{community}:outbox:held:<openid> for the person's next message of
// any kind, whose reply (free: passive replies have no quota) carries it
// (package bot reads them as the message arrives and calls Delivered once
// the reply is saved). The person's notices page shows them too, and
// opening it delivers them. Staff see who has held notices (Unreachable)
// and can phone them.

const (
	// maxHeld bounds one person's held notices: older ones go to the
	// dead letters, where staff see them.
	maxHeld = 50
	// keptPerPerson and keptFor bound the notices kept for a person's
	// notices page after delivery (a template's link opens it).
	keptPerPerson = 30
	keptFor       = 3 * 24 * time.Hour
)

// holdScript holds claimed notices: KEYS due, notices, dead, done, the
// person's pending set, held set and the held index. ARGV: now ms, max
// held, openid, then id, fence, json, made ms, claimed body quintuples.
// Notices whose lease was lost are skipped; one whose body was removed
// while it was sent (sameBody) is forgotten, one changed is held as it is
// now. Returns how many it held.
var holdScript = redis.NewScript(sameBody + `
local held = 0
for i = 4, #ARGV, 5 do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if s and tonumber(s) == tonumber(ARGV[i+1]) then
    local same, now = body_state(KEYS[2], ARGV[i], ARGV[i+4])
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[5], ARGV[i])
    if same ~= nil then
      redis.call('HSET', KEYS[2], ARGV[i], same and ARGV[i+2] or rebook(now, ARGV[i+2]))
      redis.call('ZADD', KEYS[6], ARGV[i+3], ARGV[i])
      held = held + 1
    end
  end
end
while redis.call('ZCARD', KEYS[6]) > tonumber(ARGV[2]) do
  local old = redis.call('ZPOPMIN', KEYS[6])
  redis.call('ZADD', KEYS[3], ARGV[1], old[1])
end
if redis.call('ZCARD', KEYS[6]) > 0 then
  redis.call('ZADD', KEYS[7], 'NX', ARGV[1], ARGV[3])
end
return held`)

// hold holds cs, claimed notices to openid, for their next message.
func (o *Outbox) hold(ctx context.Context, openid string, cs []claimed) (int, error) {
	now := o.now()
	args := []any{now.UnixMilli(), maxHeld, openid}
	for _, c := range cs {
		n := c.n
		if n.HeldAt.IsZero() {
			n.HeldAt = now
		}
		body, err := json.Marshal(n)
		if err != nil {
			return 0, fmt.Errorf("encode notice %s: %w", c.id, err)
		}
		args = append(args, c.id, c.fence, body, n.CreatedAt.UnixMilli(), c.body)
	}
	keys := append(append([]string(nil), o.keys...), o.to(openid), o.held(openid), o.heldIndex())
	k, err := holdScript.Run(ctx, o.rdb, keys, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("hold notices: %w", err)
	}
	if k > 0 {
		o.log.Info("outbox: notices held for the person's next message", "openid", openid, "held", k, "kind", cs[len(cs)-1].n.Kind)
	}
	return k, nil
}

// keepLua puts a notice on a person's notices page (a list, newest
// first): keep(list, prefix, body, n, ms) removes the entries of the same
// notice (their JSON starts with prefix, see keptPrefix, or, re-encoded
// by Redis, has its id) and pushes body,
// keeping at most n entries for ms. A notice reaches the page more than
// once (before its template goes, then by the page or a reply when it was
// held after all): each is one of the n places, so the page keeps one.
const keepLua = `
local function keep(list, prefix, body, n, ms)
  -- A body Redis re-encoded (see rebook) does not start with its id:
  -- such entries are matched by their decoded id.
  local ok, kb = pcall(cjson.decode, body)
  local id = ok and type(kb) == 'table' and kb.id
  for _, v in ipairs(redis.call('LRANGE', list, 0, -1)) do
    local same = string.sub(v, 1, #prefix) == prefix
    if not same and id and string.sub(v, 1, 6) ~= '{"id":' then
      local ok2, e = pcall(cjson.decode, v)
      same = ok2 and type(e) == 'table' and e.id == id
    end
    if same then
      redis.call('LREM', list, 0, v)
    end
  end
  redis.call('LPUSH', list, body)
  redis.call('LTRIM', list, 0, tonumber(n) - 1)
  redis.call('PEXPIRE', list, ms)
end
`

// keptPrefix is how the JSON of notice id starts (orders.Notice's first
// field; TestKeptPrefix).
func keptPrefix(id string) string {
	b, _ := json.Marshal(id)
	return `{"id":` + string(b) + `,`
}

// deliveredScript records held notices delivered: KEYS notices, done,
// the person's held set, the held index, their kept list. ARGV: now ms,
// oldest ms to remember, keep n, keep ms, openid, then id, json, prefix
// (keptPrefix) triples. The page gets the notice as Redis holds it now
// (sameBody: the copy in hand was read before an erasure may have
// changed or removed it). Returns how many were still held.
var deliveredScript = redis.NewScript(keepLua + sameBody + `
local n = 0
for i = 6, #ARGV, 3 do
  if redis.call('ZREM', KEYS[3], ARGV[i]) == 1 then
    local same, now = body_state(KEYS[1], ARGV[i], ARGV[i+1])
    if same ~= nil then
      redis.call('HDEL', KEYS[1], ARGV[i])
      redis.call('ZADD', KEYS[2], ARGV[1], ARGV[i])
      keep(KEYS[5], ARGV[i+2], same and ARGV[i+1] or now, ARGV[3], ARGV[4])
      n = n + 1
    end
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])
if redis.call('ZCARD', KEYS[3]) == 0 then
  redis.call('ZREM', KEYS[4], ARGV[5])
end
return n`)

// Delivered records held notices of openid delivered by via (orders.
// ViaReply: a reply carrying them was saved; orders.ViaPage: their
// notices page was opened): they are held no more, and their ids block a
// new Enqueue for Retention. Notices delivered already are skipped; it
// returns how many were still held.
func (o *Outbox) Delivered(ctx context.Context, openid string, ns []Notice, via string) (int, error) {
	if len(ns) == 0 {
		return 0, nil
	}
	now := o.now()
	args := []any{now.UnixMilli(), now.Add(-orDefault(o.Retention, DefaultRetention)).UnixMilli(), keptPerPerson, keptFor.Milliseconds(), openid}
	for _, n := range ns {
		n.Via = via
		body, err := json.Marshal(n)
		if err != nil {
			return 0, err
		}
		args = append(args, n.ID, body, keptPrefix(n.ID))
	}
	keys := []string{o.keys[1], o.keys[3], o.held(openid), o.heldIndex(), o.kept(openid)}
	k, err := deliveredScript.Run(ctx, o.rdb, keys, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("record held notices delivered: %w", err)
	}
	return k, nil
}

// Held returns openid's held notices, oldest first.
func (o *Outbox) Held(ctx context.Context, openid string) ([]Notice, error) {
	ids, err := o.rdb.ZRange(ctx, o.held(openid), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("held notices: %w", err)
	}
	return o.bodies(ctx, ids)
}

// bodies reads the notices ids, in order: those gone (delivered
// meanwhile) are left out, an undecodable one (not written by this code)
// stands as a notice saying so.
func (o *Outbox) bodies(ctx context.Context, ids []string) ([]Notice, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	vals, err := o.rdb.HMGet(ctx, o.keys[1], ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("read notices: %w", err)
	}
	out := make([]Notice, 0, len(ids))
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		var n Notice
		if err := json.Unmarshal([]byte(s), &n); err != nil {
			n = Notice{ID: ids[i], LastError: "undecodable: " + err.Error()}
		}
		out = append(out, n)
	}
	return out, nil
}

// Mailbox is what a person's notices page shows: what is held for them
// and what reached them lately (newest first).
type Mailbox struct {
	Held   []Notice
	Recent []Notice
}

// Mailbox reads openid's notices page.
func (o *Outbox) Mailbox(ctx context.Context, openid string) (Mailbox, error) {
	held, err := o.Held(ctx, openid)
	if err != nil {
		return Mailbox{}, err
	}
	raw, err := o.rdb.LRange(ctx, o.kept(openid), 0, -1).Result()
	if err != nil {
		return Mailbox{}, fmt.Errorf("kept notices: %w", err)
	}
	m := Mailbox{Held: held}
	seen := map[string]bool{}
	for _, n := range held {
		// Shown before a template WeChat then refused (see show).
		seen[n.ID] = true
	}
	for _, s := range raw {
		var n Notice
		if json.Unmarshal([]byte(s), &n) == nil && !seen[n.ID] {
			seen[n.ID] = true
			m.Recent = append(m.Recent, n)
		}
	}
	return m, nil
}

// Unreached is orders.Unreached.
type Unreached = orders.Unreached

// Unreachable lists who cannot be reached now: those with held or
// refused notices, held the longest first.
func (o *Outbox) Unreachable(ctx context.Context) ([]Unreached, error) {
	zs, err := o.rdb.ZRangeWithScores(ctx, o.heldIndex(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("held index: %w", err)
	}
	byID := map[string]*Unreached{}
	var out []*Unreached
	for _, z := range zs {
		id, _ := z.Member.(string)
		held, err := o.Held(ctx, id)
		if err != nil {
			return nil, err
		}
		if len(held) == 0 {
			continue
		}
		u := &Unreached{OpenID: id, Held: len(held), Since: time.UnixMilli(int64(z.Score))}
		for _, n := range held {
			u.Kinds = append(u.Kinds, n.Kind)
		}
		byID[id] = u
		out = append(out, u)
	}
	dead, err := o.Dead(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range dead {
		if n.OpenID == "" {
			continue
		}
		u := byID[n.OpenID]
		if u == nil {
			u = &Unreached{OpenID: n.OpenID, Since: n.CreatedAt}
			byID[n.OpenID] = u
			out = append(out, u)
		}
		u.Refused++
		u.Kinds = append(u.Kinds, n.Kind)
	}
	res := make([]Unreached, len(out))
	for i, u := range out {
		slices.Sort(u.Kinds)
		u.Kinds = slices.Compact(u.Kinds)
		res[i] = *u
	}
	return res, nil
}

// Problems lists the template ids WeChat refused (40037), so staff can
// fix the config; their notices are held meanwhile.
func (o *Outbox) Problems(ctx context.Context) ([]string, error) {
	m, err := o.rdb.HGetAll(ctx, o.flags()).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("template problems: %w", err)
	}
	var out []string
	for k := range m {
		if id, ok := strings.CutPrefix(k, "tpl:"); ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

// purgePeople forgets what each person's keys keep of notices made before
// t (the office's purge, see Purge): held notices (and who has some),
// pending ids, and the notices kept for their notices page. It returns
// how many went.
func (o *Outbox) purgePeople(ctx context.Context, t time.Time) (int, error) {
	total := 0
	before := "(" + strconv.FormatInt(t.UnixMilli(), 10)
	for _, kind := range []string{"held:", "to:"} {
		err := o.scan(ctx, o.prefix+"outbox:"+kind+"*", func(key string) error {
			n, err := o.rdb.ZRemRangeByScore(ctx, key, "-inf", before).Result()
			total += int(n)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("purge notices of people: %w", err)
		}
	}
	// Who has nothing held any more leaves the list of who is out of
	// reach.
	who, err := o.rdb.ZRange(ctx, o.heldIndex(), 0, -1).Result()
	if err != nil {
		return total, fmt.Errorf("purge notices of people: %w", err)
	}
	for _, id := range who {
		if o.rdb.ZCard(ctx, o.held(id)).Val() == 0 {
			if err := o.rdb.ZRem(ctx, o.heldIndex(), id).Err(); err != nil {
				return total, fmt.Errorf("purge notices of people: %w", err)
			}
			total++
		}
	}
	err = o.scan(ctx, o.prefix+"outbox:kept:*", func(key string) error {
		items, err := o.rdb.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return err
		}
		for _, v := range items {
			var n Notice
			if json.Unmarshal([]byte(v), &n) != nil || n.CreatedAt.Before(t) {
				// LREM of the value itself: a notice kept meanwhile stays.
				k, err := o.rdb.LRem(ctx, key, 0, v).Result()
				if err != nil {
					return err
				}
				total += int(k)
			}
		}
		return nil
	})
	if err != nil {
		return total, fmt.Errorf("purge kept notices: %w", err)
	}
	return total, nil
}

// scan calls fn with each key matching pattern (all under the
// community's hash tag: on a cluster, one node's). The pattern's prefix
// is the community's own, already safe as a glob but for its braces.
func (o *Outbox) scan(ctx context.Context, pattern string, fn func(string) error) error {
	var node redis.Cmdable = o.rdb
	if c, ok := o.rdb.(*redis.ClusterClient); ok {
		n, err := c.MasterForKey(ctx, o.keys[0])
		if err != nil {
			return err
		}
		node = n
	}
	pattern = strings.NewReplacer("[", `\[`, "]", `\]`, "?", `\?`).Replace(pattern)
	var cursor uint64
	for {
		keys, next, err := node.Scan(ctx, cursor, pattern, 500).Result()
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := fn(k); err != nil {
				return err
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}
