package staff

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"
)

// Guard slows down whoever guesses a secret (the admin token, a console
// sign-in): after FreeTries failures from one address, every further try
// from it waits, twice as long each time, up to MaxWait. The count lives
// in Redis, so every replica sees it, and is forgotten an hour after the
// last failure.
//
//	bg:guard:<addr>  HASH n (failures), until (unix ms before which the
//	                 address waits)
type Guard struct {
	// Now is the service's clock (time.Now when nil).
	Now func() time.Time
	rdb redis.UniversalClient
	p   string
}

// Guard's limits.
const (
	// FreeTries is how many failures an address has before it waits: a
	// person mistyping the token a few times never does.
	FreeTries = 5
	// MaxWait bounds one wait.
	MaxWait = 15 * time.Minute
	// guardTTL is how long failures are remembered after the last.
	guardTTL = time.Hour
)

// NewGuard returns the guard of an official account's secrets (app).
func NewGuard(rdb redis.UniversalClient, app string) *Guard {
	return &Guard{rdb: rdb, p: "bg:guard:" + app + ":"}
}

func (g *Guard) now() time.Time {
	if g.Now == nil {
		return time.Now()
	}
	return g.Now()
}

// Addr is the address a request came from, as the guard counts it: the
// connection's peer (a proxy in front counts as one address, so a guesser
// behind it slows down everyone behind it, never the other way round).
func Addr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Wait returns how long addr must wait before it may try again (0: now).
func (g *Guard) Wait(ctx context.Context, addr string) (time.Duration, error) {
	until, err := g.rdb.HGet(ctx, g.p+addr, "until").Int64()
	if err == redis.Nil {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("guard: %w", err)
	}
	return max(time.UnixMilli(until).Sub(g.now()), 0), nil
}

// failScript counts a failure of KEYS[1] and, past ARGV[1] failures, sets
// how long it waits: 2^(n-ARGV[1]) s from ARGV[2] (ms), at most ARGV[3]
// ms. It keeps the count ARGV[4] s. Returns the wait in ms.
var failScript = redis.NewScript(`
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
if n <= tonumber(ARGV[1]) then return 0 end
local wait = math.min(1000 * 2 ^ (n - tonumber(ARGV[1]) - 1), tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'until', tonumber(ARGV[2]) + wait)
return wait`)

// Failed counts a failed try from addr and returns how long it must wait
// before the next.
func (g *Guard) Failed(ctx context.Context, addr string) (time.Duration, error) {
	ms, err := failScript.Run(ctx, g.rdb, []string{g.p + addr}, FreeTries, g.now().UnixMilli(), MaxWait.Milliseconds(), int(guardTTL/time.Second)).Int64()
	if err != nil {
		return 0, fmt.Errorf("guard: %w", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}
