package bot

import (
	"context"
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

// Values of a reply key: "p" while in flight, "r:"+reply when done, so an
// empty reply is still distinguishable from a message in flight.
const (
	inFlight    = "p"
	replyPrefix = "r:"
)

// RedisReplies remembers, in Redis, the reply given to each WeChat message,
// so that WeChat's retries of a message get the same answer and cause no
// second effect. Every replica shares it.
type RedisReplies struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewRedisReplies keeps replies under keys "bg:{community}:msg:…" for ttl.
func NewRedisReplies(rdb redis.UniversalClient, community string, ttl time.Duration) *RedisReplies {
	return &RedisReplies{rdb: rdb, prefix: "bg:{" + community + "}:msg:", ttl: ttl}
}

// ClaimReply marks the message with dedupe key as being answered. When the
// key is known it says whether the earlier delivery is still in flight or
// done, and returns the reply it gave.
func (s *RedisReplies) ClaimReply(ctx context.Context, key string) (ReplyState, string, error) {
	k := s.prefix + key
	ok, err := s.rdb.SetNX(ctx, k, inFlight, s.ttl).Result()
	if err != nil {
		return 0, "", fmt.Errorf("claim message: %w", err)
	}
	if ok {
		return ReplyNew, "", nil
	}
	v, err := s.rdb.Get(ctx, k).Result()
	switch {
	case errors.Is(err, redis.Nil):
		// Expired between the two calls: a day later, so treat as new.
		return ReplyNew, "", nil
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

// ReleaseReply forgets a claim whose answer failed, so WeChat's retry is
// handled afresh instead of being told the message is in flight.
func (s *RedisReplies) ReleaseReply(ctx context.Context, key string) error {
	if err := s.rdb.Del(ctx, s.prefix+key).Err(); err != nil {
		return fmt.Errorf("release message: %w", err)
	}
	return nil
}

// WaitReply polls until an in-flight message has a reply, the claim
// disappears, or ctx ends.
func (s *RedisReplies) WaitReply(ctx context.Context, key string, every time.Duration) (ReplyState, string, error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		v, err := s.rdb.Get(ctx, s.prefix+key).Result()
		switch {
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
