package main

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// A Redis Cluster client must follow a failover: when a master dies its
// replica takes over its slots (after cluster-node-timeout and an
// election, a few seconds), and the client has to learn the new slot map.
// go-redis learns it on MOVED, and otherwise only every
// ClusterStateReloadInterval (60 s by default): a dead master refuses
// connections and answers no MOVED, so without more the service kept
// dialing it for up to a minute (issue 12: 58 s without a placed order
// after the kill). followFailover reloads the slot map whenever a node
// fails, and clusterReload bounds how stale the map gets without errors.

// clusterReload is how often the cluster client reloads the slot map
// when nothing failed (one CLUSTER SLOTS).
const clusterReload = 5 * time.Second

// newClusterClient returns a cluster client of o that follows failovers.
func newClusterClient(o *redis.ClusterOptions) *redis.ClusterClient {
	o.ClusterStateReloadInterval = clusterReload
	// One dial per attempt: the client's own retry loop tries again
	// (on the new master once the map is reloaded), rather than each
	// dial retrying a dead node five times 100 ms apart.
	o.DialerRetries = 1
	c := redis.NewClusterClient(o)
	c.OnNewNode(func(node *redis.Client) { node.AddHook(followFailover{c}) })
	return c
}

// followFailover is a hook on every node client of a cluster: a command
// or pipeline that failed because the node did (refused, reset, timed out,
// CLUSTERDOWN, TRYAGAIN) asks the cluster client to reload its slot map.
// Reloads are asynchronous and coalesced by go-redis (one at a time, at
// most one more 200 ms later), so a burst of failures costs a few
// CLUSTER SLOTS.
type followFailover struct{ c *redis.ClusterClient }

func (h followFailover) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil {
			h.c.ReloadState(ctx)
		}
		return conn, err
	}
}

func (h followFailover) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if nodeFailed(err) {
			h.c.ReloadState(ctx)
		}
		return err
	}
}

func (h followFailover) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if nodeFailed(err) {
			h.c.ReloadState(ctx)
		}
		return err
	}
}

// nodeFailed reports whether err says the node (or the cluster's view of
// it) failed, rather than the command: every error but Redis's own
// answers, except those that say the cluster is changing.
func nodeFailed(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var re redis.Error
	if errors.As(err, &re) {
		msg := re.Error()
		return strings.HasPrefix(msg, "CLUSTERDOWN") || strings.HasPrefix(msg, "TRYAGAIN") || strings.HasPrefix(msg, "MOVED")
	}
	return true
}
