// Package staff keeps what the community console needs to know who is
// using it: the one-time sign-in tokens sent to staff on WeChat, the
// sessions they open, and the audit log of what they did. All of it lives
// in Redis under the community's hash tag, so every replica shares it:
//
//	bg:{c}:staff:signin:<sha256(token)>  STRING who; expires after SignInTTL
//	bg:{c}:staff:sess:<sha256(id)>       STRING Session JSON; expires when
//	                                     idle for SessionIdle
//	bg:{c}:staff:audit                   LIST Entry JSON, newest first, the
//	                                     last KeepAudit
//
// Tokens and session ids are 256-bit random values; Redis holds only
// their SHA-256, so a copy of the database opens no session.
package staff

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Errors.
var (
	// ErrNotFound: the token was used already, expired or never issued;
	// the session ended, expired or never existed.
	ErrNotFound = errors.New("staff: not found or expired")
)

// Defaults of the Keeper's durations.
const (
	// DefaultSignInTTL is how long a sign-in link works: long enough to
	// open it from WeChat, short enough that a forwarded one is dead.
	DefaultSignInTTL = 10 * time.Minute
	// DefaultSessionIdle ends a session nobody used for this long.
	DefaultSessionIdle = 2 * time.Hour
	// DefaultSessionMax ends every session this long after it began: a
	// shift, then sign in again.
	DefaultSessionMax = 12 * time.Hour
	// KeepAudit is how many audit entries are kept.
	KeepAudit = 20000
)

// Ways a session was opened (Session.Via).
const (
	ViaWeChat = "wechat" // a one-time link sent by the bot
	ViaToken  = "token"  // the admin token (setup, tests)
	ViaDemo   = "demo"   // the demo's staff persona
)

// TokenWho is who a session opened with the admin token acts as.
const TokenWho = "admin-token"

// Session is one signed-in browser.
type Session struct {
	// ID is the cookie's value; it is not stored.
	ID string `json:"-"`
	// Who is the staff member's openid, or TokenWho.
	Who     string    `json:"who"`
	Via     string    `json:"via"`
	Started time.Time `json:"started"`
	// CSRF is the token every form of this session posts back.
	CSRF string `json:"csrf"`
}

// Entry is one line of the audit log: who did what, to what, when.
type Entry struct {
	At  time.Time `json:"at"`
	Who string    `json:"who"`
	// Action is what was done, in words staff read (取消订单, 补货 …).
	Action string `json:"action"`
	// Target is what it was done to: an order number, an item, a grid.
	Target string `json:"target,omitempty"`
	// Note is the reason given, or what came of it.
	Note string `json:"note,omitempty"`
}

// Keeper keeps sign-in tokens, sessions and the audit log of one
// community. Set the exported fields before use; zero values mean the
// defaults.
type Keeper struct {
	SignInTTL   time.Duration
	SessionIdle time.Duration
	SessionMax  time.Duration
	// Now is the service's clock (time.Now when nil). Redis expiries run
	// on real time; SessionMax is checked against Now.
	Now func() time.Time

	rdb redis.UniversalClient
	p   string
}

// New returns the keeper of community's staff data in rdb.
func New(rdb redis.UniversalClient, community string) *Keeper {
	return &Keeper{rdb: rdb, p: "bg:{" + community + "}:staff:"}
}

func (k *Keeper) now() time.Time {
	if k.Now == nil {
		return time.Now()
	}
	return k.Now()
}

func or(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// newSecret returns 256 random bits, URL-safe.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// IssueSignIn returns a fresh one-time token that signs who in, valid for
// SignInTTL.
func (k *Keeper) IssueSignIn(ctx context.Context, who string) (string, error) {
	if who == "" {
		return "", errors.New("staff: sign-in for nobody")
	}
	tok := newSecret()
	if err := k.rdb.Set(ctx, k.p+"signin:"+hash(tok), who, or(k.SignInTTL, DefaultSignInTTL)).Err(); err != nil {
		return "", fmt.Errorf("issue sign-in: %w", err)
	}
	return tok, nil
}

// RedeemSignIn uses a sign-in token up and returns who it signs in. A
// second use, an expired or unknown token returns ErrNotFound: the token
// is deleted in the same step it is read, so of two replicas redeeming
// it at once only one succeeds.
func (k *Keeper) RedeemSignIn(ctx context.Context, token string) (string, error) {
	if token == "" {
		return "", ErrNotFound
	}
	who, err := k.rdb.GetDel(ctx, k.p+"signin:"+hash(token)).Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("redeem sign-in: %w", err)
	}
	return who, nil
}

// StartSession opens a session for who and returns it with its ID (the
// cookie value) and CSRF token.
func (k *Keeper) StartSession(ctx context.Context, who, via string) (Session, error) {
	s := Session{ID: newSecret(), Who: who, Via: via, Started: k.now(), CSRF: newSecret()}
	data, _ := json.Marshal(s)
	if err := k.rdb.Set(ctx, k.p+"sess:"+hash(s.ID), data, or(k.SessionIdle, DefaultSessionIdle)).Err(); err != nil {
		return Session{}, fmt.Errorf("start session: %w", err)
	}
	return s, nil
}

// Session returns the session with this ID and keeps it alive for
// another SessionIdle. It returns ErrNotFound when there is none, or when
// it began more than SessionMax ago (and ends it).
func (k *Keeper) Session(ctx context.Context, id string) (Session, error) {
	if id == "" {
		return Session{}, ErrNotFound
	}
	key := k.p + "sess:" + hash(id)
	data, err := k.rdb.GetEx(ctx, key, or(k.SessionIdle, DefaultSessionIdle)).Bytes()
	if errors.Is(err, redis.Nil) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	var s Session
	if err := json.Unmarshal(data, &s); err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	if k.now().Sub(s.Started) > or(k.SessionMax, DefaultSessionMax) {
		k.rdb.Del(ctx, key)
		return Session{}, ErrNotFound
	}
	s.ID = id
	return s, nil
}

// EndSession signs a session out; ending one that is gone is no error.
func (k *Keeper) EndSession(ctx context.Context, id string) error {
	if err := k.rdb.Del(ctx, k.p+"sess:"+hash(id)).Err(); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// Record appends e to the audit log (At defaults to now).
func (k *Keeper) Record(ctx context.Context, e Entry) error {
	if e.At.IsZero() {
		e.At = k.now()
	}
	data, _ := json.Marshal(e)
	_, err := k.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, k.p+"audit", data)
		p.LTrim(ctx, k.p+"audit", 0, KeepAudit-1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// Entries returns up to n audit entries after skipping offset, newest
// first.
func (k *Keeper) Entries(ctx context.Context, offset, n int) ([]Entry, error) {
	vals, err := k.rdb.LRange(ctx, k.p+"audit", int64(offset), int64(offset+n-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	out := make([]Entry, 0, len(vals))
	for _, v := range vals {
		var e Entry
		if json.Unmarshal([]byte(v), &e) == nil {
			out = append(out, e)
		}
	}
	return out, nil
}
