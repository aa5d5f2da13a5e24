package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ReplyState is what is known about a message when it arrives.
type ReplyState int

// Reply states.
const (
	// ReplyNew: first delivery; the caller now owns the message.
	ReplyNew ReplyState = iota
	// ReplyInFlight: an earlier delivery is still being answered.
	ReplyInFlight
	// ReplyDone: answered before; the stored reply is returned.
	ReplyDone
)

// Values of a reply key: "p:<owner>" while in flight, "r:"+reply when done,
// so an empty reply is still told apart from a message in flight, and only
// the owner of a claim can release it.
const (
	inFlightPrefix = "p:"
	replyPrefix    = "r:"
)

// DefaultInFlightTTL bounds a claim whose owner never finished. It must outlast
// one message's budget (so a live first delivery is never taken over) and
// expire before WeChat's last retry (about 10–15 s after the first), so a
// claim left by a crash or by a command Redis ran late never blocks the
// message for good.
const DefaultInFlightTTL = 8 * time.Second

// RedisReplies remembers, in Redis, the reply given to each WeChat message,
// so that WeChat's retries of a message get the same answer and cause no
// second effect. Every replica shares it.
type RedisReplies struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	// InFlightTTL is how long an unfinished claim lasts; see
	// DefaultInFlightTTL.
	InFlightTTL time.Duration
}

// NewRedisReplies keeps replies under keys "bg:{community}:msg:…" for ttl.
func NewRedisReplies(rdb redis.UniversalClient, community string, ttl time.Duration) *RedisReplies {
	return &RedisReplies{rdb: rdb, prefix: "bg:{" + community + "}:msg:", ttl: ttl, InFlightTTL: DefaultInFlightTTL}
}

// NewOwner returns a random claim owner id.
func NewOwner() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ClaimReply marks the message with dedupe key as being answered by owner.
// When the key is known it says whether the earlier delivery is still in
// flight or done, and returns the reply it gave.
func (s *RedisReplies) ClaimReply(ctx context.Context, key, owner string) (ReplyState, string, error) {
	k := s.prefix + key
	ok, err := s.rdb.SetNX(ctx, k, inFlightPrefix+owner, s.InFlightTTL).Result()
	if err != nil {
		return 0, "", fmt.Errorf("claim message: %w", err)
	}
	if ok {
		return ReplyNew, "", nil
	}
	v, err := s.rdb.Get(ctx, k).Result()
	switch {
	case errors.Is(err, redis.Nil):
		// The claim expired between the two calls: take it.
		return s.ClaimReply(ctx, key, owner)
	case err != nil:
		return 0, "", fmt.Errorf("claim message: %w", err)
	case strings.HasPrefix(v, replyPrefix):
		return ReplyDone, strings.TrimPrefix(v, replyPrefix), nil
	}
	return ReplyInFlight, "", nil
}

// SaveReply records the reply given to a claimed message.
func (s *RedisReplies) SaveReply(ctx context.Context, key, reply string) error {
	if err := s.rdb.Set(ctx, s.prefix+key, replyPrefix+reply, s.ttl).Err(); err != nil {
		return fmt.Errorf("save reply: %w", err)
	}
	return nil
}

// releaseScript deletes a claim only if owner still holds it.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// ReleaseReply forgets owner's claim whose answer failed, so WeChat's retry
// is handled afresh instead of being told the message is in flight. A
// claim that is no longer owner's (done, or taken over) is left alone.
func (s *RedisReplies) ReleaseReply(ctx context.Context, key, owner string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.prefix + key}, inFlightPrefix+owner).Err(); err != nil {
		return fmt.Errorf("release message: %w", err)
	}
	return nil
}

// WaitReply polls until an in-flight message has a reply or its claim is
// gone (ReplyNew: the caller may claim it). When ctx ends first it reports
// ReplyInFlight, not an error: the budget ran out, Redis did not fail.
func (s *RedisReplies) WaitReply(ctx context.Context, key string, every time.Duration) (ReplyState, string, error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		v, err := s.rdb.Get(ctx, s.prefix+key).Result()
		switch {
		case ctx.Err() != nil:
			return ReplyInFlight, "", nil
		case errors.Is(err, redis.Nil):
			return ReplyNew, "", nil
		case err != nil:
			return 0, "", fmt.Errorf("wait for reply: %w", err)
		case strings.HasPrefix(v, replyPrefix):
			return ReplyDone, strings.TrimPrefix(v, replyPrefix), nil
		}
		select {
		case <-ctx.Done():
			return ReplyInFlight, "", nil
		case <-t.C:
		}
	}
}
