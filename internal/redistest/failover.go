package redistest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// What failover tests do to a cluster with replicas: find the master of a
// key, kill it as a crash would, wait for its replica to take over, and
// start the dead node again (it comes back as a replica of the new master).

// node returns the cluster's node at addr.
func (c *Cluster) node(addr string) (*clusterNode, error) {
	for _, n := range c.nodes {
		if n.addr == addr {
			return n, nil
		}
	}
	return nil, fmt.Errorf("no node %s in the cluster", addr)
}

// live returns the nodes whose process runs.
func (c *Cluster) live() []*clusterNode {
	var out []*clusterNode
	for _, n := range c.nodes {
		if n.alive() {
			out = append(out, n)
		}
	}
	return out
}

func (n *clusterNode) alive() bool {
	if n.cmd == nil || n.done == nil {
		return false
	}
	select {
	case <-n.done:
		return false
	default:
		return true
	}
}

// MasterFor returns the address of the master that serves key's slot, as
// the live nodes see it now (a fresh client, so no stale view).
func (c *Cluster) MasterFor(ctx context.Context, key string) (string, error) {
	var addrs []string
	for _, n := range c.live() {
		addrs = append(addrs, n.addr)
	}
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, DialTimeout: 200 * time.Millisecond, Protocol: 2})
	defer rdb.Close()
	m, err := rdb.MasterForKey(ctx, key)
	if err != nil {
		return "", err
	}
	return m.Options().Addr, nil
}

// Kill ends the node at addr with SIGKILL, as a crash would, and returns
// once the process is gone.
func (c *Cluster) Kill(addr string) error {
	n, err := c.node(addr)
	if err != nil {
		return err
	}
	if err := n.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	<-n.done
	return nil
}

// Restart starts the killed node at addr again on its port and directory;
// it rejoins the cluster (its nodes.conf) and, its slots taken over, as a
// replica. It returns once the node answers PING.
func (c *Cluster) Restart(addr string) error {
	n, err := c.node(addr)
	if err != nil {
		return err
	}
	if n.alive() {
		return fmt.Errorf("node %s is running", addr)
	}
	if err := n.launch(); err != nil {
		return err
	}
	return n.waitPing()
}

// WaitFailover waits until the live nodes agree that key's slot is served
// by a master other than old, and every one of them reports
// cluster_state:ok. It returns the new master.
func (c *Cluster) WaitFailover(key, old string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		m, err := c.MasterFor(ctx, key)
		cancel()
		if err == nil && m != old {
			if err := c.waitState(time.Until(deadline)); err != nil {
				return "", err
			}
			return m, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("slot of %s still on %s after %v (%v)", key, old, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitInSync waits until every live replica reports master_link_status:up,
// i.e. holds its master's data and would take over when it dies.
func (c *Cluster) WaitInSync(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, n := range c.live() {
		rdb := redis.NewClient(&redis.Options{Addr: n.addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1, Protocol: 2})
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			info, err := rdb.Info(ctx, "replication").Result()
			cancel()
			if err == nil && (strings.Contains(info, "role:master") || strings.Contains(info, "master_link_status:up")) {
				break
			}
			if time.Now().After(deadline) {
				rdb.Close()
				if err == nil {
					err = errors.New("master_link_status is not up")
				}
				return fmt.Errorf("replica %s not in sync after %v: %v", n.addr, timeout, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		rdb.Close()
	}
	return nil
}

// OwnCluster starts a cluster for one test alone (one it may kill nodes
// of), stopped when the test ends. Like Shared, it skips the test when no
// cluster can be started unless Required is set.
func OwnCluster(t testing.TB, cfg ClusterConfig) *Cluster {
	t.Helper()
	c, err := StartClusterWith(cfg)
	if err != nil {
		unavailable(t, "redis cluster", err)
	}
	t.Cleanup(c.Stop)
	return c
}
