package staff

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Guard slows down whoever guesses a secret (the admin token, a console
// sign-in): after FreeTries failures from one address, every further try
// from it waits, twice as long each time, up to MaxWait. The count lives
// in Redis, so every replica sees it, and is forgotten an hour after the
// last failure.
//
// A try is counted before the secret is compared (Try), in the same script
// that says whether the address must wait, so a burst of tries sent at
// once is held to the same count as tries sent one by one; the right
// secret clears the count (Passed). Counting needs no logger.
//
//	bg:guard:<addr>  HASH n (tries since the last right one), until (unix
//	                 ms before which the address waits)
type Guard struct {
	// Now is the service's clock (time.Now when nil).
	Now func() time.Time
	// Proxies are the reverse proxies in front of the service
	// (admin.trusted_proxies): a request from one of them counts as the
	// client X-Forwarded-For names, so a guesser behind the proxy does
	// not hold up the real admin behind it. Empty: every request counts
	// as its connection's peer.
	Proxies []netip.Prefix
	rdb     redis.UniversalClient
	p       string
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

// Addr is the address a request came from as its connection's peer.
func Addr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Client is the address g counts r's tries under: its connection's peer,
// or, when that is one of g's Proxies, the nearest address in
// X-Forwarded-For that is not (the client the proxies passed on). A
// request from anywhere else cannot choose its address: its header is
// ignored. g may be nil.
func (g *Guard) Client(r *http.Request) string {
	peer := Addr(r)
	if g == nil || !g.trusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if a, err := netip.ParseAddr(hop); err == nil && !g.trusted(a.String()) {
			return a.Unmap().String()
		}
	}
	return peer
}

// trusted reports whether addr is one of g's proxies.
func (g *Guard) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range g.Proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Wait returns how long addr must wait before it may try again (0: now).
// It counts nothing: a try is counted by Try.
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

// tryScript counts a try of KEYS[1] unless it must wait. While ARGV[2]
// (now, ms) is before its until, it returns the wait (ms) and counts
// nothing; else it counts the try, and past ARGV[1] tries sets how long
// the next waits: 2^(n-ARGV[1]-1) s from now, at most ARGV[3] ms. It keeps
// the count ARGV[4] s. Returns 0 when the try may go ahead.
var tryScript = redis.NewScript(`
local waits = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if waits > tonumber(ARGV[2]) then return waits - tonumber(ARGV[2]) end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
if n > tonumber(ARGV[1]) then
  local wait = math.min(1000 * 2 ^ (n - tonumber(ARGV[1]) - 1), tonumber(ARGV[3]))
  redis.call('HSET', KEYS[1], 'until', tonumber(ARGV[2]) + wait)
end
return 0`)

// Try counts a try of a secret from addr, before the secret is compared.
// It returns how long addr must wait first (0: compare now); a try that
// must wait is not counted, and its secret must not be compared. The
// right secret clears the count with Passed.
func (g *Guard) Try(ctx context.Context, addr string) (time.Duration, error) {
	ms, err := tryScript.Run(ctx, g.rdb, []string{g.p + addr}, FreeTries, g.now().UnixMilli(), MaxWait.Milliseconds(), int(guardTTL/time.Second)).Int64()
	if err != nil {
		return 0, fmt.Errorf("guard: %w", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Passed forgets addr's tries: its secret was right, so whoever is there
// holds it (behind a proxy not in Proxies this also forgives a guesser at
// the same address; they start again at FreeTries).
func (g *Guard) Passed(ctx context.Context, addr string) error {
	if err := g.rdb.Del(ctx, g.p+addr).Err(); err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	return nil
}
