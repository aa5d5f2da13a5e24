package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis replicates asynchronously: a master acknowledges a write before
// any replica has it, and a master that dies within that lag loses it when
// its replica takes over. With AckReplicas set, the writes that answer a
// resident (placing an order) are followed, in the same pipeline on the
// same connection of the master that holds the community, by
// WAIT AckReplicas AckTimeout: still two round trips per message (the
// resolving read and this one), and the answer says whether replicas hold
// the write. WAIT covers only the writes of its own connection, which is
// why it cannot go through the cluster client (it would send it to any
// node) and why the pair is one pipeline.

// DefaultAckTimeout is how long a write waits for its replicas when
// AckTimeout is zero. A replica in sync acknowledges within a round trip
// (WAIT asks it at once); this much only passes when none is connected or
// in sync, e.g. after a failover until the old master rejoins as replica.
const DefaultAckTimeout = 300 * time.Millisecond

// maxAckedTries bounds the attempts of one acked write whose script did
// not run: NOSCRIPT (a new master has an empty script cache) and MOVED,
// TRYAGAIN, CLUSTERDOWN (the slot map is changing).
const maxAckedTries = 4

// masterer is a cluster client: the node client of a key's master.
type masterer interface {
	MasterForKey(ctx context.Context, key string) (*redis.Client, error)
}

// reloader is a cluster client: reloads its slot map.
type reloader interface{ ReloadState(ctx context.Context) }

// master returns the client of the node that holds key: the master of its
// slot on a cluster, the server itself otherwise.
func (s *Store) master(ctx context.Context, key string) (*redis.Client, error) {
	switch c := s.rdb.(type) {
	case masterer:
		return c.MasterForKey(ctx, key)
	case *redis.Client:
		return c, nil
	}
	return nil, fmt.Errorf("replica acks: no single node behind a %T", s.rdb)
}

// runAcked runs script like Script.Run and, when AckReplicas is set,
// waits for the replicas on the same connection: acked reports whether
// AckReplicas replicas hold the write (always true without AckReplicas).
// An error means the outcome is unknown unless it is Redis's own answer
// to the script.
func (s *Store) runAcked(ctx context.Context, script *redis.Script, keys []string, args ...any) (res *redis.Cmd, acked bool, err error) {
	if s.AckReplicas <= 0 {
		return script.Run(ctx, s.rdb, keys, args...), true, nil
	}
	timeout := s.AckTimeout
	if timeout <= 0 {
		timeout = DefaultAckTimeout
	}
	for try := 1; ; try++ {
		node, err := s.master(ctx, keys[0])
		if err != nil {
			return nil, false, err
		}
		var wait *redis.Cmd
		_, _ = node.Pipelined(ctx, func(p redis.Pipeliner) error {
			res = script.EvalSha(ctx, p, keys, args...)
			wait = p.Do(ctx, "WAIT", s.AckReplicas, timeout.Milliseconds())
			return nil
		})
		err = res.Err()
		if err == nil || errors.Is(err, redis.Nil) {
			n, werr := wait.Int64()
			return res, werr == nil && n >= int64(s.AckReplicas), nil
		}
		if try >= maxAckedTries || !notRun(err) {
			return res, false, nil // res carries the error
		}
		if redis.HasErrorPrefix(err, "NOSCRIPT") {
			if err := script.Load(ctx, node).Err(); err != nil {
				return nil, false, err
			}
			continue
		}
		// The slot moved or is moving: learn the new map, then try on
		// the new master.
		if c, ok := s.rdb.(reloader); ok {
			c.ReloadState(ctx)
		}
		select {
		case <-ctx.Done():
			return res, false, nil
		case <-time.After(100 * time.Millisecond * time.Duration(try)):
		}
	}
}

// notRun reports whether err is a Redis answer that means the script did
// not run at all, so trying again cannot write twice.
func notRun(err error) bool {
	for _, p := range []string{"NOSCRIPT", "MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN", "READONLY", "LOADING", "MASTERDOWN"} {
		if redis.HasErrorPrefix(err, p) {
			return true
		}
	}
	return false
}
