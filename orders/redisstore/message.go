package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/outbox"
)

// Messages: bg:{c}:msg:<dedupe key> holds "p:<owner>" while a delivery of
// the message holds its claim, then "r:<reply>" for ReplyTTL. The claim
// lives ClaimTTL: longer than one message's budget, so a live delivery is
// never taken over, and shorter than the gap to WeChat's next retry, so a
// claim left by a crash never blocks the message for good.

var (
	//go:embed reply.lua
	replySrc string
	//go:embed resolve.lua
	resolveSrc string
	//go:embed settle.lua
	settleSrc string
	//go:embed save.lua
	saveSrc string

	//go:embed resolve_main.lua
	resolveMainSrc string

	resolveScript = redis.NewScript(outbox.ArrivalLua + resolveSrc + resolveMainSrc)
	settleScript  = redis.NewScript(settleSrc)
	saveScript    = redis.NewScript(saveSrc)
)

const (
	// DefaultClaimTTL bounds a message's claim; see the comment above.
	DefaultClaimTTL = 8 * time.Second
	// DefaultReplyTTL is how long a message's answer is kept for WeChat's
	// retries (seconds apart) and any late replay.
	DefaultReplyTTL = 24 * time.Hour
	// idPlaceholder stands for an order's id in an answer rendered before
	// the place script allocates the id.
	idPlaceholder = "\x00ID\x00"
)

func (k keys) msg(key string) string { return k.p + "msg:" + key }
func (k keys) rate(openid string, at time.Time) string {
	return k.p + "rate:" + orders.Pseudonym(openid) + ":" + strconv.FormatInt(at.Unix()/60, 10)
}

func (k keys) recent() string { return k.p + "recent" }

// RecentSenders is how many of the latest senders a community keeps (see
// Recent): enough to find whoever wrote to the account today, bounded
// whatever the traffic.
const RecentSenders = 200

// Recent returns up to n of the community's latest senders, the latest
// first, each with when they last wrote and their binding (nil when they
// are bound to no household here), in two round trips.
func (s *Store) Recent(ctx context.Context, n int) ([]orders.RecentSender, error) {
	zs, err := s.rdb.ZRevRangeWithScores(ctx, s.k.recent(), 0, int64(n-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("recent senders: %w", err)
	}
	cmds := make([]*redis.SliceCmd, len(zs))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, z := range zs {
			cmds[i] = p.HMGet(ctx, s.k.binding(z.Member.(string)), "building", "unit", "room", "grid", "at")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recent senders' bindings: %w", err)
	}
	out := make([]orders.RecentSender, len(zs))
	for i, z := range zs {
		id := z.Member.(string)
		out[i] = orders.RecentSender{OpenID: id, At: time.UnixMicro(int64(z.Score))}
		v := cmds[i].Val()
		str := func(j int) string { s, _ := v[j].(string); return s }
		if str(3) != "" {
			at, _ := time.Parse(time.RFC3339, str(4))
			out[i].Binding = &orders.Binding{OpenID: id, Address: orders.Address{Building: str(0), Unit: str(1), Room: str(2)}, Grid: str(3), At: at}
		}
	}
	return out, nil
}

func claimValue(owner string) string { return "p:" + owner }

// tombstone marks a claim its owner gave up (see settle.lua).
func tombstone(owner string) string { return "x:" + owner }

// MaxHeldRead is how many of a sender's held notices Resolve reads (the
// newest): more than a reply can carry.
const MaxHeldRead = 20

// Resolve claims the message key for owner and reads what routing needs
// about openid, in one round trip: the binding and its household's marks,
// run-time lead buildings, membership of each of grids' run-time teams,
// whether the day of at is closed, how many messages openid sent in at's
// minute (this one included), and the notices held for them (the newest
// MaxHeldRead, see package outbox). In the same step it puts openid first
// among the community's recent senders (see Recent), and a new message
// opens openid's window for pushes as how says (outbox.ArrivalLua). A
// claim that is owner's already (a retried command that had reached
// Redis) is still owner's.
//
// With ar.Signed, the callback's signature is tied to its body first
// (ClaimForged when it is tied to another: nothing else happens).
func (s *Store) Resolve(ctx context.Context, key, owner string, ar orders.Arrive) (orders.Arrival, error) {
	ks, args := s.resolveCall(key, owner, ar)
	res, err := resolveScript.Run(ctx, s.rdb, ks, args...).Slice()
	if err != nil {
		return orders.Arrival{}, fmt.Errorf("resolve message: %w", err)
	}
	a, err := arrival(res, ar.OpenID, ar.Grids)
	if err != nil {
		return orders.Arrival{}, fmt.Errorf("resolve message: %w", err)
	}
	return a, nil
}

// resolveCall returns resolve.lua's keys and arguments.
func (s *Store) resolveCall(key, owner string, ar orders.Arrive) ([]string, []any) {
	openid, at, day := ar.OpenID, ar.At, ar.Day
	nonce, sum, ttl := s.k.msg(key), "", int64(0)
	if sg := ar.Signed; sg != nil {
		nonce, sum, ttl = s.NoncePrefix()+sg.Signature, sg.Sum, max(sg.TTL.Milliseconds(), 1)
	}
	ks := []string{s.k.msg(key), s.k.binding(openid), s.k.leads(), s.k.marks(), s.k.closed(day), s.k.rate(openid, at),
		s.k.closed(orders.AddDays(day, 1)), s.k.recent(), outbox.ReachKey(s.k.id, openid), outbox.HeldKey(s.k.id, openid), outbox.NoticesKey(s.k.id), nonce}
	for _, g := range ar.Grids {
		ks = append(ks, s.k.volunteers(g))
	}
	args := append([]any{claimValue(owner), s.claimTTL().Milliseconds(), openid, tombstone(owner), at.UnixMicro(), RecentSenders, day,
		at.UnixMilli(), string(ar.How)}, outbox.ArrivalArgs()...)
	return ks, append(args, MaxHeldRead, sum, ttl)
}

// NoncePrefix is where the community's callback signatures are tied to
// their bodies (see orders.Signed): an account of this one community
// keeps them here, so that Resolve ties them in the step that claims the
// message (wechat.NewRedisNoncesAt with this prefix).
func (s *Store) NoncePrefix() string { return s.k.p + "nonce:" }

// arrival reads resolve.lua's answer (a STALE answer of place_arrive.lua
// reads as NEW).
func arrival(res []any, openid string, grids []string) (orders.Arrival, error) {
	str := func(i int) string { v, _ := res[i].(string); return v }
	num := func(i int) int64 { v, _ := res[i].(int64); return v }
	switch str(0) {
	case "DONE":
		return orders.Arrival{State: orders.ClaimDone, Reply: str(1)}, nil
	case "INFLIGHT":
		return orders.Arrival{State: orders.ClaimInFlight}, nil
	case "SETTLED":
		return orders.Arrival{State: orders.ClaimSettled}, nil
	case "FORGED":
		return orders.Arrival{State: orders.ClaimForged}, nil
	case "NEW", "STALE":
	default:
		return orders.Arrival{}, fmt.Errorf("unexpected answer %v", res)
	}
	if len(res) != 13+len(grids) { // the members of KEYS[13..], the state
		return orders.Arrival{}, fmt.Errorf("unexpected answer %v", res)
	}
	snd := orders.Sender{OpenID: openid, DayClosed: num(8) >= 1, NextClosed: num(8) == 2, Sent: int(num(9)), State: str(len(res) - 1)}
	if str(4) != "" {
		at, _ := time.Parse(time.RFC3339, str(5))
		snd.Bound = true
		snd.Binding = orders.Binding{OpenID: openid, Address: orders.Address{Building: str(1), Unit: str(2), Room: str(3)}, Grid: str(4), At: at}
	}
	snd.Marks = parseMarks(str(6))
	if v := str(7); v != "" {
		if err := json.Unmarshal([]byte(v), &snd.LeadOf); err != nil {
			return orders.Arrival{}, fmt.Errorf("lead buildings: %w", err)
		}
	}
	snd.HeldCount = int(num(10))
	if err := json.Unmarshal([]byte(str(11)), &snd.Held); err != nil {
		return orders.Arrival{}, fmt.Errorf("held notices: %w", err)
	}
	for i, g := range grids {
		if num(12+i) == 1 {
			snd.VolunteerOf = append(snd.VolunteerOf, g)
		}
	}
	return orders.Arrival{State: orders.ClaimNew, Sender: snd}, nil
}

// SaveReply saves the answer to a message owner claimed, unless another
// delivery holds or answered it meanwhile. Writes made under an Ack save
// their answer themselves.
func (s *Store) SaveReply(ctx context.Context, key, owner, reply string) error {
	err := saveScript.Run(ctx, s.rdb, []string{s.k.msg(key)}, claimValue(owner), "r:"+reply, int(s.replyTTL()/time.Second)).Err()
	if err != nil {
		return fmt.Errorf("save reply: %w", err)
	}
	return nil
}

// Settle ends owner's claim on a message whose write had an unknown
// outcome. SettledReleased means no write for owner happened or can
// happen any more; SettledAnswered returns the message's answer.
func (s *Store) Settle(ctx context.Context, key, owner string) (orders.Settled, string, error) {
	res, err := settleScript.Run(ctx, s.rdb, []string{s.k.msg(key)}, claimValue(owner), tombstone(owner), tombstoneTTL(s.claimTTL()).Milliseconds()).StringSlice()
	if err != nil {
		return 0, "", fmt.Errorf("settle message: %w", err)
	}
	switch res[0] {
	case "RELEASED":
		return orders.SettledReleased, "", nil
	case "ANSWERED":
		return orders.SettledAnswered, res[1], nil
	}
	return orders.SettledElsewhere, "", nil
}

// tombstoneTTL is how long a given-up claim stays given up: far longer
// than any command of its delivery can be late. A late order message's
// one step (place_arrive.lua) resolves as well as writes: should it reach
// Redis after the tombstone is gone, it would claim the message and place
// the order the resident was told did not happen. WeChat's retries and
// new deliveries take a tombstone as free, so its length costs nothing.
func tombstoneTTL(claim time.Duration) time.Duration { return max(10*claim, time.Minute) }

// WaitReply polls a message held by another delivery until it is answered
// (ClaimDone and the answer), its claim is gone (ClaimNew: resolve it
// again), or ctx ends (ClaimInFlight).
func (s *Store) WaitReply(ctx context.Context, key string, every time.Duration) (orders.ClaimState, string, error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		v, err := s.rdb.Get(ctx, s.k.msg(key)).Result()
		switch {
		case ctx.Err() != nil:
			return orders.ClaimInFlight, "", nil
		case errors.Is(err, redis.Nil), len(v) >= 2 && v[:2] == "x:":
			return orders.ClaimNew, "", nil // gone, or given up: free
		case err != nil:
			return 0, "", fmt.Errorf("wait for reply: %w", err)
		case len(v) >= 2 && v[:2] == "r:":
			return orders.ClaimDone, v[2:], nil
		}
		select {
		case <-ctx.Done():
			return orders.ClaimInFlight, "", nil
		case <-t.C:
		}
	}
}

// ackArgs appends a's key and arguments to a script call that honours it.
func (s *Store) ackArgs(a *orders.Ack, keys []string, args []any, reply string) ([]string, []any) {
	return append(keys, s.k.msg(a.Key)), append(args, claimValue(a.Owner), reply, int(s.replyTTL()/time.Second))
}

// ackRefused turns a script's ANSWERED and LOST answers to a write under
// an Ack into ErrAnswered (recording the answer on a) and ErrClaimLost;
// any other answer is nil.
func ackRefused(a *orders.Ack, res []string) error {
	switch res[0] {
	case "ANSWERED":
		a.Saved, a.Reply = true, res[1]
		return orders.ErrAnswered
	case "LOST":
		return orders.ErrClaimLost
	}
	return nil
}

func (s *Store) claimTTL() time.Duration {
	if s.ClaimTTL > 0 {
		return s.ClaimTTL
	}
	return DefaultClaimTTL
}

func (s *Store) replyTTL() time.Duration {
	if s.ReplyTTL > 0 {
		return s.ReplyTTL
	}
	return DefaultReplyTTL
}
