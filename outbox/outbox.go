// Package outbox queues notices (messages to people outside the reply to
// their own message) in Redis and sends them from every replica, in the
// one way that reaches each person now (reach.go): a customer-service
// message while their window and budget allow, else a template message
// with a link, else held for the reply to their next message (held.go).
//
// It is our own small queue rather than Redis Streams or a task library:
// a notice needs a stable id of the caller's choosing (so a handler that
// runs twice queues it once, and a notice delivered is never sent again
// for a week), a per-notice backoff, and a lease fenced so that only the
// replica holding a notice may reschedule or bury it. Streams give
// at-least-once delivery and XAUTOCLAIM, but no dedupe by id, no delayed
// retry and no fencing; asynq has delays but needs its own key layout
// outside our hash tag. Four keys under the community's hash tag and five
// Lua scripts do all of it, on one Redis or a Cluster. Dead letters are
// listed (Dead) and requeued (Requeue) by the admin API.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redact"
	"github.com/baogong/baogong/orders"
)

// Notice is the orders.Notice this outbox keeps (an alias, so callers
// need not name two packages).
type Notice = orders.Notice

// ErrPermanent is orders.ErrPermanent: a Sender wraps it for a send that
// can never succeed, and the notice is dead-lettered at once.
var ErrPermanent = orders.ErrPermanent

// Sender pushes notices in each of the platform's ways. Each must honour
// ctx where it can. Errors say where the person stands (wrapping
// orders.ErrOutsideWindow, ErrNoBudget: the outbox takes another way), or
// that the template id is unknown (orders.ErrTemplateRefused), or wrap
// ErrPermanent when retrying cannot cure them; any other error is retried
// later. A nil error means WeChat accepted the message.
type Sender interface {
	// Custom sends n.Text as a customer-service message.
	Custom(ctx context.Context, n Notice) error
	// Voice sends a voice as a customer-service message.
	Voice(ctx context.Context, openid string, voice []byte) error
	// Template sends n (its Brief and URL) as template templateID; the
	// same n.ID is shown once however often it is sent.
	Template(ctx context.Context, n Notice, templateID string) error
}

// Defaults of the Outbox's tunable fields.
const (
	// DefaultMaxAttempts bounds the sends of one notice: with the default
	// backoff the last one is about four minutes after the first.
	DefaultMaxAttempts = 8
	// DefaultBatch is how many notices one Drain claims.
	DefaultBatch = 16
	// DefaultLease is how long a claimed notice stays hidden from other
	// replicas. It must outlast one send (WeChatSender makes up to five
	// HTTP calls, each bounded by util.DefaultHTTPClient's timeout) or the
	// notice may be sent twice; it is also how long a crashed replica's
	// notices wait before another replica takes them.
	DefaultLease = 2 * time.Minute
	// DefaultSendTimeout bounds one Send.
	DefaultSendTimeout = 30 * time.Second
	// DefaultPollInterval is how often Run looks for due notices when it
	// was not woken by an Enqueue of its own.
	DefaultPollInterval = time.Second
	// DefaultBackoffBase is the wait after the first failure; it doubles
	// with every further failure.
	DefaultBackoffBase = 2 * time.Second
	// DefaultBackoffMax caps the wait between two sends.
	DefaultBackoffMax = 10 * time.Minute
	// DefaultRetention is how long a delivered notice's ID is remembered,
	// so that enqueueing it again does not send it again.
	DefaultRetention = 7 * 24 * time.Hour
	// DefaultCoalesce is how close notices to one person go as one.
	DefaultCoalesce = 2 * time.Second
)

// maxLastError bounds LastError: a proxy's HTML error page has no place in
// Redis or the logs.
const maxLastError = 300

// Outbox is a Redis-backed queue of notices, so that a slow or failing
// WeChat API never delays a reply and never loses a notice. Any number of
// replicas may enqueue and drain the same community's outbox: a notice is
// claimed under a lease before it is sent, so one replica sends it, and
// the replica that holds the lease is the only one that may reschedule it.
//
// Delivery is at least once: a replica that dies (or whose send outlasts
// Lease) after WeChat accepted a message but before recording it causes a
// second send. A template message is then not shown twice (its
// client_msg_id); a customer-service message may be.
//
// Notices to one person within Coalesce of each other go as one message
// (several urgent pages, a roster and its reminder): a notice is due
// Coalesce after it is queued, and its person's other notices due within
// Coalesce after it are taken with it.
//
// Keys, all under one hash tag so the Lua scripts run on Redis Cluster:
//
//	bg:{community}:outbox:due       ZSET id → due time (Unix ms); a claimed
//	                                notice's score is its lease's end
//	bg:{community}:outbox:notices   HASH id → Notice JSON (pending, dead, held)
//	bg:{community}:outbox:dead      ZSET id → time dead-lettered
//	bg:{community}:outbox:done      ZSET id → time delivered, kept Retention
//	bg:{community}:outbox:to:<p>    ZSET id → due: a person's pending
//	                                notices (for coalescing)
//	bg:{community}:outbox:held:<p>  ZSET id → time made: a person's
//	                                held notices (held.go)
//	bg:{community}:outbox:held      ZSET openid → when their first notice
//	                                was held (who is out of reach)
//	bg:{community}:outbox:kept:<p>  LIST of notices delivered lately,
//	                                newest first, for their notices page
//	bg:{community}:outbox:flags     HASH refused template ids → when
//	bg:{community}:reach:<p>        HASH the person's window (reach.go)
//
// where <p> is the person's pseudonym (orders.Pseudonym).
//
// The notices live in one hash rather than a key each because a script
// must name every key it touches in KEYS before it knows which notices are
// due.
//
// Set the exported fields before Run or Drain; zero values mean defaults.
type Outbox struct {
	// MaxAttempts is how many failed sends dead-letter a notice.
	MaxAttempts int
	// Batch is how many notices one Drain claims.
	Batch int
	// Lease hides a claimed notice from other replicas; see DefaultLease.
	Lease time.Duration
	// SendTimeout bounds one Send.
	SendTimeout time.Duration
	// PollInterval is Run's wait between two Drains that found little.
	PollInterval time.Duration
	// BackoffBase and BackoffMax shape the wait after a temporary failure:
	// BackoffBase·2^(attempts−1), at most BackoffMax.
	BackoffBase, BackoffMax time.Duration
	// Retention is how long a delivered ID blocks a new Enqueue of it.
	Retention time.Duration
	// Coalesce is how close notices to one person must be to go as one
	// message (and how long a notice waits for others); negative: none.
	Coalesce time.Duration
	// Templates are the template ids by template kind (orders.TplRoster
	// …); a kind without one is held instead.
	Templates map[string]string
	// Links makes the link of a person's notices page (templates without
	// a page of their own, held notices that do not fit a reply); nil:
	// none.
	Links Links
	// Media reads the voices notices forward (Notice.Voice); nil: voices
	// are not forwarded, the text says where to hear them.
	Media MediaReader
	// Staff are told once when WeChat refuses a template id.
	Staff []string
	// Route, when set, returns the outbox of the community whose bot
	// hears openid (an account of several communities): its model knows
	// their window and its replies carry what it holds, so a notice to
	// them is moved there. nil, or this outbox: here.
	Route func(ctx context.Context, openid string) *Outbox
	// Now is the clock; tests replace it to step through backoffs.
	Now func() time.Time

	rdb       redis.UniversalClient
	sender    Sender
	log       *slog.Logger
	prefix    string   // bg:{community}:
	keys      []string // due, notices, dead, done: every script gets all four
	community string
	wake      chan struct{}
}

// Links makes signed, expiring links to a person's notices page.
type Links interface {
	Notices(openid string) string
}

// MediaReader reads media baogong keeps (voices to forward).
type MediaReader interface {
	Media(ctx context.Context, key string) ([]byte, string, error)
}

// New returns the outbox of community, stored in rdb under
// "bg:{community}:outbox:…", sending through s and logging to log.
func New(rdb redis.UniversalClient, community string, s Sender, log *slog.Logger) *Outbox {
	p := "bg:{" + community + "}:outbox:"
	if log == nil {
		log = slog.Default()
	}
	return &Outbox{
		MaxAttempts:  DefaultMaxAttempts,
		Batch:        DefaultBatch,
		Lease:        DefaultLease,
		SendTimeout:  DefaultSendTimeout,
		PollInterval: DefaultPollInterval,
		BackoffBase:  DefaultBackoffBase,
		BackoffMax:   DefaultBackoffMax,
		Retention:    DefaultRetention,
		Coalesce:     DefaultCoalesce,
		Now:          time.Now,
		rdb:          rdb,
		sender:       s,
		log:          log,
		prefix:       "bg:{" + community + "}:",
		keys:         []string{p + "due", p + "notices", p + "dead", p + "done"},
		community:    community,
		wake:         make(chan struct{}, 1),
	}
}

// A person's keys are named by their pseudonym (orders.Pseudonym): no
// key name holds an openid, and erasing them still finds the keys.
func (o *Outbox) to(openid string) string {
	return o.prefix + "outbox:to:" + orders.Pseudonym(openid)
}
func (o *Outbox) held(openid string) string { return HeldKey(o.community, openid) }
func (o *Outbox) heldIndex() string         { return o.prefix + "outbox:held" }
func (o *Outbox) kept(openid string) string {
	return o.prefix + "outbox:kept:" + orders.Pseudonym(openid)
}
func (o *Outbox) flags() string { return o.prefix + "outbox:flags" }
func (o *Outbox) reach(openid string) string {
	return ReachKey(o.community, openid)
}

// HeldKey is the key of openid's held notices in community (the message
// path reads it: see ArrivalLua).
func HeldKey(community, openid string) string {
	return "bg:{" + community + "}:outbox:held:" + orders.Pseudonym(openid)
}

// NoticesKey is the key of community's notice bodies.
func NoticesKey(community string) string { return "bg:{" + community + "}:outbox:notices" }

// ReachKey is the key of openid's window in community (see reach.go).
func ReachKey(community, openid string) string {
	return "bg:{" + community + "}:reach:" + orders.Pseudonym(openid)
}

func (o *Outbox) coalesce() time.Duration {
	if o.Coalesce < 0 {
		return 0
	}
	return orDefault(o.Coalesce, DefaultCoalesce)
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func (o *Outbox) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// enqueueScript adds each notice unless its ID is pending, dead, held or
// recently delivered. KEYS[5..] are each notice's person's pending set.
// ARGV: due ms, then id, json pairs. Returns how many it added.
var enqueueScript = redis.NewScript(`
local added = 0
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  if not redis.call('ZSCORE', KEYS[4], id) and redis.call('HSETNX', KEYS[2], id, ARGV[i+1]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[1], id)
    redis.call('ZADD', KEYS[4 + i/2], ARGV[1], id)
    added = added + 1
  end
end
return added`)

// Enqueue stores notices for delivery, all or none. A notice without ID
// gets a fresh one; a notice whose ID is pending, dead, held or was
// delivered within Retention is skipped, so a caller that retries an
// Enqueue with its own IDs sends nothing twice. OpenID and Text are
// required. Notices are due Coalesce from now (see Outbox).
func (o *Outbox) Enqueue(ctx context.Context, ns ...Notice) error {
	if len(ns) == 0 {
		return nil
	}
	now := o.now()
	args := make([]any, 0, 1+2*len(ns))
	args = append(args, now.Add(o.coalesce()).UnixMilli())
	keys := append([]string(nil), o.keys...)
	for i, n := range ns {
		if n.OpenID == "" || n.Text == "" {
			return fmt.Errorf("enqueue notice %d: openid and text are required", i)
		}
		if n.ID == "" {
			n.ID = newNoticeID(now)
		}
		if n.CreatedAt.IsZero() {
			n.CreatedAt = now
		}
		n.Attempts, n.LastError, n.Via = 0, "", ""
		b, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("enqueue notice %d: %w", i, err)
		}
		args = append(args, n.ID, b)
		keys = append(keys, o.to(n.OpenID))
	}
	added, err := enqueueScript.Run(ctx, o.rdb, keys, args...).Int()
	if err != nil {
		return fmt.Errorf("enqueue notices: %w", err)
	}
	if added < len(ns) {
		o.log.Debug("outbox: notices already known were skipped", "skipped", len(ns)-added)
	}
	if added > 0 {
		o.poke()
	}
	return nil
}

// poke lets this replica's Run look for due notices now rather than at
// its next poll.
func (o *Outbox) poke() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// newNoticeID is time-ordered for humans reading Redis, random for
// uniqueness across replicas, and at most 32 bytes (see WeChatSender's use
// of it as client_msg_id).
func newNoticeID(now time.Time) string {
	b := make([]byte, 8)
	rand.Read(b)
	return "n" + strconv.FormatInt(now.UnixMilli(), 36) + "-" + hex.EncodeToString(b)
}

// claimScript leases up to ARGV[3] notices due at ARGV[1] by moving their
// score to the lease's end ARGV[2], which is also the fencing token later
// scripts check. Returns id, json pairs. An id without body (never written
// by this code) is dropped so it cannot clog the queue. KEYS[5] names the
// call (ARGV[4]: its ttl, the lease's): a call run already (go-redis sent
// it again after a read timeout, both ran, see docs/redis-resends.md)
// returns the notices leased under its fence, which the first run leased
// and nobody read; else they waited out the lease. The key holds "1"
// (notice ids name people), only when the call leased something (a run
// after one that leased nothing may lease what is due).
var claimScript = redis.NewScript(`
local range = {'-inf', ARGV[1]}
if redis.call('EXISTS', KEYS[5]) == 1 then
  range = {ARGV[2], ARGV[2]}
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], range[1], range[2], 'LIMIT', 0, tonumber(ARGV[3]))
if #ids > 0 then
  redis.call('SET', KEYS[5], '1', 'EX', ARGV[4])
end
local out = {}
for _, id in ipairs(ids) do
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    out[#out+1] = id
    out[#out+1] = body
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out`)

// claimForScript leases a person's other notices due by ARGV[1] (the
// coalescing horizon) under the lease ARGV[2], up to ARGV[3] of them. A
// notice leased by someone else has a due score unlike its pending one
// and is left alone; ids no longer due anywhere are forgotten. KEYS: due,
// notices, the person's pending set. Returns id, json pairs, with those
// leased under ARGV[2] already: the caller's own (its claim's, which it
// holds, and a run of this call that ran before: go-redis sent it again
// after a read timeout, see docs/redis-resends.md).
var claimForScript = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local due = redis.call('ZSCORE', KEYS[1], id)
  local body = redis.call('HGET', KEYS[2], id)
  if not due or not body then
    redis.call('ZREM', KEYS[3], id)
  elseif tonumber(due) == tonumber(redis.call('ZSCORE', KEYS[3], id)) then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    out[#out+1] = id
    out[#out+1] = body
  elseif tonumber(due) == tonumber(ARGV[2]) then
    out[#out+1] = id
    out[#out+1] = body
  end
end
return out`)

// Scripts that act for a lease holder first check the fence: the notice's
// score must still be the lease end the holder set. Another replica that
// took over an expired lease has set a later one.
const fenceCheck = `
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s or tonumber(s) ~= tonumber(ARGV[2]) then return 0 end
`

// renewScript extends a held lease to ARGV[3]. ARGV: id, fence, new end.
var renewScript = redis.NewScript(fenceCheck + `
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`)

// Scripts that write a notice back from a copy in hand (claimed, or read
// for a page or a requeue) first compare it with what Redis holds now
// (body_state): while it was being sent, 删除我的信息 or the office's
// purge may have removed it, or the privacy scrub taken someone's id out
// of it. A notice gone is forgotten here too (the scripts return 2); one
// whose content changed keeps what Redis holds, and that, not the copy,
// goes on a notices page. Bookkeeping (attempts, the last error, when it
// was held, how it went) is not content: another replica's retry of the
// same notice changes only that.
var sameBody = `
local function content(body)
  local ok, n = pcall(cjson.decode, body)
  if not ok or type(n) ~= 'table' then
    return body
  end
  local b = type(n.brief) == 'table' and n.brief or {}
  local function s(v)
    if type(v) == 'string' then
      return v
    end
    return ''
  end
  return table.concat({` + luaFields("n", noticeContent) + `, ` + luaFields("b", briefContent) + `}, '\0')
end
-- nil: gone; true: the same content; false: changed. Second: the body now.
local function body_state(notices, id, claimed)
  local now = redis.call('HGET', notices, id)
  if not now then
    return nil
  end
  if now == claimed then
    return true, now
  end
  return content(now) == content(claimed), now
end
-- the body now with the bookkeeping of the copy in hand (a changed
-- notice still counts its attempt, says why it failed, when it was held)
local function rebook(now, hand)
  local ok1, a = pcall(cjson.decode, now)
  local ok2, h = pcall(cjson.decode, hand)
  if not (ok1 and ok2) or type(a) ~= 'table' or type(h) ~= 'table' then
    return now
  end
` + luaCopy("a", "h", noticeBookkeeping) + `
  return cjson.encode(a)
end
`

// The fields of orders.Notice's JSON: its content (what the person
// reads, and whom it is for: an erasure changes these) and its
// bookkeeping (the outbox's own). TestNoticeFieldsClassified holds every
// field of orders.Notice and orders.Brief in one list or the other.
var (
	noticeContent     = []string{"openid", "text", "kind", "url", "voice"}
	briefContent      = []string{"what", "where", "status", "ref", "at"}
	noticeBookkeeping = []string{"attempts", "last_error", "held_at", "via"}
	noticeIdentity    = []string{"id", "created_at", "brief"}
)

// luaFields is "s(t.f1), s(t.f2), …".
func luaFields(t string, fields []string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = "s(" + t + "." + f + ")"
	}
	return strings.Join(parts, ", ")
}

// luaCopy sets each of fields of table a from table h.
func luaCopy(a, h string, fields []string) string {
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "  %s.%s = %s.%s\n", a, f, h, f)
	}
	return b.String()
}

// retryScript records a failure and makes the notice due at ARGV[3].
// KEYS[5] is the person's pending set. ARGV: id, fence, due ms, json,
// the body claimed.
var retryScript = redis.NewScript(sameBody + fenceCheck + `
local same, now = body_state(KEYS[2], ARGV[1], ARGV[5])
if same == nil then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[5], ARGV[1])
  return 2
end
redis.call('HSET', KEYS[2], ARGV[1], same and ARGV[4] or rebook(now, ARGV[4]))
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1])
return 1`)

// deadScript moves the notice to the dead letters. KEYS[5] is the
// person's pending set. ARGV: id, fence, now ms, json, the body claimed.
var deadScript = redis.NewScript(sameBody + fenceCheck + `
local same, now = body_state(KEYS[2], ARGV[1], ARGV[5])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
if same == nil then
  return 2
end
redis.call('HSET', KEYS[2], ARGV[1], same and ARGV[4] or rebook(now, ARGV[4]))
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1`)

// doneScript forgets a delivered notice, remembers its ID for the
// retention and keeps its text on the person's notices page (KEYS[6], a
// list of at most ARGV[4] for ARGV[5] ms). It needs no fence: the notice
// was delivered, whoever holds it now. KEYS[5] is the person's pending
// set. ARGV: id, now ms, oldest ms to remember, keep n, keep ms, json,
// its keptPrefix, '1' when the page has it already (see show), the body
// claimed. A body gone meanwhile (sameBody: erased, purged, or recorded
// by another replica that sent it too) leaves nothing behind; one whose
// content changed goes on the page as it is now.
var doneScript = redis.NewScript(keepLua + sameBody + `
local same, now = body_state(KEYS[2], ARGV[1], ARGV[9])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
if same == nil then
  return 2
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[3])
if ARGV[8] ~= '1' then
  keep(KEYS[6], ARGV[7], same and ARGV[6] or now, ARGV[4], ARGV[5])
end
return 1`)

// showScript puts notices on their person's notices page (KEYS[1]) as
// their bodies in KEYS[2] are now (sameBody): ARGV keep n, keep ms, then
// id, claimed body, json, keptPrefix quadruples.
var showScript = redis.NewScript(keepLua + sameBody + `
for i = 3, #ARGV, 4 do
  local same, now = body_state(KEYS[2], ARGV[i], ARGV[i+1])
  if same ~= nil then
    keep(KEYS[1], ARGV[i+3], same and ARGV[i+2] or now, ARGV[1], ARGV[2])
  end
end
return 1`)

// Drain claims up to Batch due notices and delivers them, those to one
// person together with their other notices due within Coalesce (see
// deliver.go). A delivered notice is deleted (kept a while on its
// person's notices page); a notice nobody can be reached for now is held;
// a temporary failure is retried after BackoffBase·2^(attempts−1) (at
// most BackoffMax); a permanent failure, or the MaxAttempts-th, moves it
// to the dead letters. It returns how many it delivered or held. The
// error is Redis's (or ctx's): the notices it could not record stay
// leased and are retried when the lease ends. When ctx ends, the send
// under way finishes (a cancelled send may have reached WeChat and be
// resent) and the rest are handed back.
func (o *Outbox) Drain(ctx context.Context) (sent int, err error) {
	sent, _, err = o.drain(ctx)
	return sent, err
}

// claimed is a notice this replica holds until fence (Unix ms).
type claimed struct {
	id    string
	body  string
	fence int64
	n     Notice
	ok    bool // body decoded
}

func (o *Outbox) claim(ctx context.Context, now time.Time) ([]claimed, error) {
	lease := orDefault(o.Lease, DefaultLease)
	fence := now.Add(lease).UnixMilli()
	keys := append(append([]string(nil), o.keys...), o.prefix+"outbox:op:"+rand.Text())
	res, err := claimScript.Run(ctx, o.rdb, keys, now.UnixMilli(), fence, orDefault(o.Batch, DefaultBatch), max(int(lease/time.Second), 1)).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("claim notices: %w", err)
	}
	return pairs(res, fence), nil
}

// claimFor leases openid's other notices due within Coalesce of now,
// besides held, which it holds under fence.
func (o *Outbox) claimFor(ctx context.Context, openid string, now time.Time, fence int64, held []claimed) ([]claimed, error) {
	horizon := now.Add(o.coalesce()).UnixMilli()
	res, err := claimForScript.Run(ctx, o.rdb, []string{o.keys[0], o.keys[1], o.to(openid)}, horizon, fence, orDefault(o.Batch, DefaultBatch)).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("claim notices of a person: %w", err)
	}
	return slices.DeleteFunc(pairs(res, fence), func(c claimed) bool {
		return slices.ContainsFunc(held, func(h claimed) bool { return h.id == c.id })
	}), nil
}

func pairs(res []string, fence int64) []claimed {
	out := make([]claimed, 0, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		c := claimed{id: res[i], body: res[i+1], fence: fence}
		c.ok = json.Unmarshal([]byte(c.body), &c.n) == nil
		out = append(out, c)
	}
	return out
}

func (o *Outbox) drain(ctx context.Context) (sent, n int, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	now := o.now()
	batch, err := o.claim(ctx, now)
	if err != nil {
		return 0, 0, err
	}
	n = len(batch)
	groups, order := map[string][]claimed{}, []string(nil)
	for _, c := range batch {
		if !c.ok {
			// Not written by this code: keep the body for a human.
			o.log.Error("outbox: undecodable notice dead-lettered", "id", c.id)
			if _, err := o.bury(ctx, &c, c.body); err != nil {
				return sent, n, err
			}
			continue
		}
		if _, seen := groups[c.n.OpenID]; !seen {
			order = append(order, c.n.OpenID)
		}
		groups[c.n.OpenID] = append(groups[c.n.OpenID], c)
	}
	for i, openid := range order {
		g := groups[openid]
		if ctx.Err() != nil {
			for _, rest := range order[i:] {
				o.release(groups[rest])
			}
			return sent, n, ctx.Err()
		}
		if i > 0 {
			// The sends before these used part of the lease: renew it
			// so a slow batch is not taken over mid-way.
			if g, err = o.renew(ctx, g); err != nil {
				return sent, n, err
			}
		}
		if len(g) == 0 {
			continue
		}
		more, err := o.claimFor(ctx, openid, now, g[0].fence, g)
		if err != nil {
			return sent, n, err
		}
		g = append(g, more...)
		done, err := o.deliver(ctx, openid, g)
		sent += done
		if err != nil {
			return sent, n, err
		}
	}
	return sent, n, nil
}

// renew extends the leases of cs, returning those still held.
func (o *Outbox) renew(ctx context.Context, cs []claimed) ([]claimed, error) {
	fence := o.now().Add(orDefault(o.Lease, DefaultLease)).UnixMilli()
	out := cs[:0:0]
	for _, c := range cs {
		if fence == c.fence {
			out = append(out, c)
			continue
		}
		ok, err := renewScript.Run(ctx, o.rdb, o.keys, c.id, c.fence, fence).Int()
		if err != nil {
			return nil, fmt.Errorf("renew lease: %w", err)
		}
		if ok == 1 {
			c.fence = fence
			out = append(out, c)
		} else {
			o.log.Warn("outbox: lease lost before sending; another replica has the notice", "id", c.id)
		}
	}
	return out, nil
}

// release hands unsent notices back so another replica (or the next Run)
// need not wait for their leases to end. It runs while shutting down, so
// it has its own short deadline; failing is harmless.
func (o *Outbox) release(cs []claimed) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	due := o.now().UnixMilli()
	for _, c := range cs {
		if err := renewScript.Run(ctx, o.rdb, o.keys, c.id, c.fence, due).Err(); err != nil {
			return
		}
	}
}

// recordDone records c delivered (by via). A template's notices are on
// their page already (show).
func (o *Outbox) recordDone(ctx context.Context, c *claimed, via string) error {
	now := o.now()
	keep := now.Add(-orDefault(o.Retention, DefaultRetention)).UnixMilli()
	shown := 0
	if via == orders.ViaTemplate {
		shown = 1
	}
	keys := append(append([]string(nil), o.keys...), o.to(c.n.OpenID), o.kept(c.n.OpenID))
	if err := doneScript.Run(ctx, o.rdb, keys, c.id, now.UnixMilli(), keep, keptPerPerson, keptFor.Milliseconds(), pageBody(c, via), keptPrefix(c.n.ID), shown, c.body).Err(); err != nil {
		// Delivered but not recorded: the notice will be sent again
		// when the lease ends.
		return fmt.Errorf("record delivered notice %s: %w", c.id, err)
	}
	return nil
}

// pageBody is c's notice as its person's page keeps it, delivered by via.
func pageBody(c *claimed, via string) []byte {
	n := c.n
	n.Via, n.Attempts, n.LastError = via, 0, ""
	body, _ := json.Marshal(n)
	return body
}

// show puts the notices a template is about to announce on their
// person's notices page, where the template links: WeChat shows a
// template at once, and the page opened right away must have them. Sent,
// they are not put there again (recordDone); held after all, the page
// shows them once, among those held (Mailbox).
func (o *Outbox) show(ctx context.Context, openid string, cs []claimed) error {
	args := []any{keptPerPerson, keptFor.Milliseconds()}
	for i := range cs {
		args = append(args, cs[i].id, cs[i].body, pageBody(&cs[i], orders.ViaTemplate), keptPrefix(cs[i].n.ID))
	}
	if err := showScript.Run(ctx, o.rdb, []string{o.kept(openid), o.keys[1]}, args...).Err(); err != nil {
		return fmt.Errorf("show notices on their page: %w", err)
	}
	return nil
}

// failed records a failed send of c: dead-lettered when it is permanent
// or the last attempt, else retried later.
func (o *Outbox) failed(ctx context.Context, c *claimed, sendErr error) error {
	n := c.n
	n.Attempts++
	n.LastError = cleanError(sendErr)
	body, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("encode notice %s: %w", c.id, err)
	}
	attrs := []any{"id", n.ID, "openid", n.OpenID, "kind", n.Kind, "attempts", n.Attempts, "err", n.LastError}
	if errors.Is(sendErr, ErrPermanent) || n.Attempts >= orDefault(o.MaxAttempts, DefaultMaxAttempts) {
		held, err := o.bury(ctx, c, string(body))
		if held {
			o.log.Warn("outbox: notice dead-lettered", attrs...)
		}
		return err
	}
	wait := o.backoff(n.Attempts)
	keys := append(append([]string(nil), o.keys...), o.to(n.OpenID))
	ok, err := retryScript.Run(ctx, o.rdb, keys, c.id, c.fence, o.now().Add(wait).UnixMilli(), body, c.body).Int()
	if err != nil {
		return fmt.Errorf("reschedule notice %s: %w", c.id, err)
	}
	switch ok {
	case 1:
		o.log.Info("outbox: send failed, will retry", append(attrs, "retry_in", wait)...)
	case 2:
		o.log.Info("outbox: notice removed while it was sent (its person erased, or purged)", "id", c.id)
	default:
		o.log.Warn("outbox: lease lost; another replica has the notice", "id", c.id)
	}
	return nil
}

// bury dead-letters a held notice, reporting whether it still held it.
func (o *Outbox) bury(ctx context.Context, c *claimed, body string) (bool, error) {
	keys := append(append([]string(nil), o.keys...), o.to(c.n.OpenID))
	ok, err := deadScript.Run(ctx, o.rdb, keys, c.id, c.fence, o.now().UnixMilli(), body, c.body).Int()
	if err != nil {
		return false, fmt.Errorf("dead-letter notice %s: %w", c.id, err)
	}
	switch ok {
	case 0:
		o.log.Warn("outbox: lease lost; another replica has the notice", "id", c.id)
	case 2:
		o.log.Info("outbox: notice removed while it was sent (its person erased, or purged)", "id", c.id)
	}
	return ok == 1, nil
}

// sendCtx bounds one send by SendTimeout. It is not cut short by ctx
// (shutdown): WeChat may accept a message whose answer we stopped waiting
// for, and the notice would then be sent again.
func (o *Outbox) sendCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), orDefault(o.SendTimeout, DefaultSendTimeout))
}

// send runs one Sender call; a panic in it becomes a temporary error, so
// one bad notice cannot take the replica down, and MaxAttempts still ends
// it.
func (o *Outbox) send(ctx context.Context, f func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sender panicked: %v", r)
		}
	}()
	sctx, cancel := o.sendCtx(ctx)
	defer cancel()
	return f(sctx)
}

func (o *Outbox) backoff(attempts int) time.Duration {
	limit := orDefault(o.BackoffMax, DefaultBackoffMax)
	d := orDefault(o.BackoffBase, DefaultBackoffBase)
	for i := 1; i < attempts && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// Run drains the outbox until ctx ends: right away again after a full
// batch, else after PollInterval or as soon as this Outbox enqueues. A
// Drain error (Redis down) is logged and waited out, never fatal; the wait
// doubles while errors repeat, up to 30 s, so a Redis outage does not
// flood the log. Run returns once ctx has ended and the send under way has
// finished.
func (o *Outbox) Run(ctx context.Context) {
	poll := orDefault(o.PollInterval, DefaultPollInterval)
	wait := poll
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		_, n, err := o.drain(ctx)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil:
			o.log.Error("outbox: drain failed", "err", err, "retry_in", wait)
			t.Reset(wait)
			wait = min(2*wait, max(poll, 30*time.Second))
		case n >= orDefault(o.Batch, DefaultBatch):
			wait = poll
			continue
		default:
			wait = poll
			t.Reset(poll)
		}
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Pending counts the notices not yet delivered nor dead, including those
// being sent or waiting for a retry.
func (o *Outbox) Pending(ctx context.Context) (int, error) {
	n, err := o.rdb.ZCard(ctx, o.keys[0]).Result()
	if err != nil {
		return 0, fmt.Errorf("count pending notices: %w", err)
	}
	return int(n), nil
}

// Dead returns every dead-lettered notice, oldest first, with its Attempts
// and LastError, for an admin to read (the Text may hold personal data:
// show it only to those allowed to see it). Use Requeue to send them again.
func (o *Outbox) Dead(ctx context.Context) ([]Notice, error) {
	ids, err := o.rdb.ZRange(ctx, o.keys[2], 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list dead notices: %w", err)
	}
	// A dead id without body was delivered after all by a replica whose
	// lease had ended: bodies leaves it out.
	return o.bodies(ctx, ids)
}

// requeueScript moves dead notices back to the queue with a fresh body,
// as Redis holds them now (sameBody: one gone meanwhile stays gone, one
// changed keeps its content). KEYS[5..] are each notice's person's
// pending set. ARGV: due ms, then id, json, the body read triples.
// Returns how many it moved.
var requeueScript = redis.NewScript(sameBody + `
local moved = 0
for i = 2, #ARGV, 3 do
  local same, now = body_state(KEYS[2], ARGV[i], ARGV[i+2])
  if redis.call('ZREM', KEYS[3], ARGV[i]) == 1 and same ~= nil then
    redis.call('HSET', KEYS[2], ARGV[i], same and ARGV[i+1] or rebook(now, ARGV[i+1]))
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
    redis.call('ZADD', KEYS[5 + (i - 2) / 3], ARGV[1], ARGV[i])
    moved = moved + 1
  end
end
return moved`)

// Requeue sends dead notices again (after an admin fixed the template or
// a quota reset), with Attempts and LastError cleared. IDs that are not
// dead are ignored; it returns how many were requeued.
func (o *Outbox) Requeue(ctx context.Context, ids ...string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	bodies, err := o.rdb.HMGet(ctx, o.keys[1], ids...).Result()
	if err != nil {
		return 0, fmt.Errorf("read dead notices: %w", err)
	}
	args := []any{o.now().UnixMilli()}
	keys := append([]string(nil), o.keys...)
	for i, b := range bodies {
		s, ok := b.(string)
		if !ok {
			continue
		}
		var n Notice
		if json.Unmarshal([]byte(s), &n) != nil {
			continue
		}
		n.Attempts, n.LastError = 0, ""
		body, err := json.Marshal(n)
		if err != nil {
			return 0, err
		}
		args = append(args, ids[i], body, s)
		keys = append(keys, o.to(n.OpenID))
	}
	if len(args) == 1 {
		return 0, nil
	}
	moved, err := requeueScript.Run(ctx, o.rdb, keys, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("requeue notices: %w", err)
	}
	if moved > 0 {
		o.poke()
	}
	return moved, nil
}

// cleanError makes a send error fit for Redis and the logs.
func cleanError(err error) string {
	s := redact.Secrets(err.Error())
	if len(s) > maxLastError {
		i := maxLastError
		for i > 0 && !utf8.RuneStart(s[i]) {
			i-- // cut between characters: errmsg is often Chinese
		}
		s = s[:i] + "…"
	}
	return s
}

// dropScript forgets dead notices. Returns how many it dropped.
var dropScript = redis.NewScript(`
local dropped = 0
for i = 1, #ARGV do
  if redis.call('ZREM', KEYS[3], ARGV[i]) == 1 then
    redis.call('HDEL', KEYS[2], ARGV[i])
    dropped = dropped + 1
  end
end
return dropped`)

// Drop forgets dead notices an admin decided not to send (the resident
// was phoned instead). IDs that are not dead are ignored; it returns how
// many were dropped.
func (o *Outbox) Drop(ctx context.Context, ids ...string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	n, err := dropScript.Run(ctx, o.rdb, o.keys, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("drop notices: %w", err)
	}
	return n, nil
}

// purgeScript forgets notices ARGV (pending, held or dead) and the
// delivered ids recorded before ARGV[1] (Unix ms). Returns how many went.
var purgeScript = redis.NewScript(`
local n = redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[1])
for i = 2, #ARGV do
  n = n + redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[3], ARGV[i])
end
return n`)

// Purge forgets every notice queued before t, sent or not, and the ids
// of those delivered before t (the office's purge of personal data: a
// notice's text names doors and phones). It returns how many went.
func (o *Outbox) Purge(ctx context.Context, t time.Time) (int, error) {
	var old []any
	var cursor uint64
	for {
		kv, next, err := o.rdb.HScan(ctx, o.keys[1], cursor, "", 500).Result()
		if err != nil {
			return 0, fmt.Errorf("purge notices: %w", err)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			var n Notice
			if json.Unmarshal([]byte(kv[i+1]), &n) != nil || n.CreatedAt.Before(t) {
				old = append(old, kv[i])
			}
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	total := 0
	for first := true; first || len(old) > 0; first = false {
		batch := old[:min(len(old), 500)]
		old = old[len(batch):]
		n, err := purgeScript.Run(ctx, o.rdb, o.keys, append([]any{t.UnixMilli()}, batch...)...).Int()
		if err != nil {
			return total, fmt.Errorf("purge notices: %w", err)
		}
		total += n
	}
	n, err := o.purgePeople(ctx, t)
	return total + n, err
}
