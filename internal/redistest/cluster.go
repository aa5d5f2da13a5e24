package redistest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cluster is a Redis Cluster of redis-server processes owned by the test
// binary: masters, and replicas when asked for (StartClusterWith).
type Cluster struct {
	// Addrs are the nodes' host:port, in the order they were started
	// (the masters first, as redis-cli --cluster create picks them).
	Addrs []string
	nodes []*clusterNode
}

// clusterNode is one redis-server of a Cluster.
type clusterNode struct {
	addr string
	// args start the process again on the same port, bus port and
	// directory (Restart).
	args []string
	cmd  *exec.Cmd
	dir  string
	done chan struct{} // closed when the process has exited
}

// ClusterConfig says what StartClusterWith starts.
type ClusterConfig struct {
	// Masters is how many masters (at least 3); Replicas how many
	// replicas each master gets.
	Masters, Replicas int
	// NodeTimeout is cluster-node-timeout: how long a master may be
	// unreachable before its replica takes over (default 5 s, as in
	// redis.conf).
	NodeTimeout time.Duration
}

var (
	clusterOnce   sync.Once
	sharedCluster *Cluster
	clusterErr    error
)

const (
	// clusterStartTimeout bounds each phase of StartCluster: the nodes
	// answering PING, redis-cli creating the cluster, and every node
	// reporting cluster_state:ok.
	clusterStartTimeout = 20 * time.Second
	// clusterNodeAttempts is how often a node is started on fresh ports
	// when it dies before answering (another process took its port
	// between freePort and the bind).
	clusterNodeAttempts = 3
	// clusterLogTail is how many lines of each node's log an error shows.
	clusterLogTail = 20
)

// SharedCluster returns the test binary's cluster, starting it on first use.
// Tests share it and keep apart by using distinct communities (see
// Community). Stop it from TestMain with StopSharedCluster. Like Shared, it
// skips the test when no cluster can be started unless Required is set.
func SharedCluster(t testing.TB) *Cluster {
	t.Helper()
	clusterOnce.Do(func() { sharedCluster, clusterErr = StartCluster(3) })
	if clusterErr != nil {
		unavailable(t, "redis cluster", clusterErr)
	}
	return sharedCluster
}

// StopSharedCluster stops the shared cluster if one was started.
func StopSharedCluster() {
	if sharedCluster != nil {
		sharedCluster.Stop()
	}
}

// StartCluster starts masters redis-servers (at least 3, as redis-cli
// requires) with cluster mode and AOF on, each on free loopback ports in its
// own temporary directory, joins them into one cluster with redis-cli and
// waits until every node reports cluster_state:ok. On failure it stops what
// it started and returns an error with the tail of the nodes' logs.
func StartCluster(masters int) (*Cluster, error) {
	return StartClusterWith(ClusterConfig{Masters: masters})
}

// StartClusterWith starts a cluster as StartCluster does, with cfg's
// replicas and node timeout. With replicas it also waits until every
// replica is in sync with its master (master_link_status:up): until then
// a replica refuses to take over, and a failover test would test nothing.
// Replicas sync without delay (repl-diskless-sync-delay 0), and the
// nodes serve their slots while another's are down
// (cluster-require-full-coverage no).
func StartClusterWith(cfg ClusterConfig) (*Cluster, error) {
	masters := cfg.Masters
	if masters < 3 {
		return nil, fmt.Errorf("redis cluster: %d masters, redis-cli --cluster create needs at least 3", masters)
	}
	if cfg.NodeTimeout <= 0 {
		cfg.NodeTimeout = 5 * time.Second
	}
	server, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server not found: install it (apt-get install -y redis-server)")
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		return nil, fmt.Errorf("redis-cli not found: install it (apt-get install -y redis-server)")
	}
	c := &Cluster{}
	fail := func(err error) (*Cluster, error) {
		err = fmt.Errorf("%w%s", err, c.logs())
		c.Stop()
		return nil, err
	}
	for range masters * (1 + cfg.Replicas) {
		n, err := startClusterNode(server, cfg.NodeTimeout)
		if n != nil {
			c.nodes = append(c.nodes, n)
			c.Addrs = append(c.Addrs, n.addr)
		}
		if err != nil {
			return fail(err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), clusterStartTimeout)
	defer cancel()
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", strconv.Itoa(cfg.Replicas), "--cluster-yes")
	out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput()
	if err != nil {
		return fail(fmt.Errorf("redis-cli --cluster create: %v\n%s", err, out))
	}
	if err := c.waitState(clusterStartTimeout); err != nil {
		return fail(fmt.Errorf("%v\nredis-cli said:\n%s", err, out))
	}
	if err := c.WaitInSync(clusterStartTimeout); err != nil {
		return fail(err)
	}
	return c, nil
}

// startClusterNode starts one cluster-mode redis-server and waits for it to
// answer PING, retrying on fresh ports when it dies first. On error the
// returned node, if any, is the last one tried: still to be stopped, its log
// worth showing.
func startClusterNode(bin string, timeout time.Duration) (*clusterNode, error) {
	var last *clusterNode
	var err error
	for range clusterNodeAttempts {
		if last != nil {
			last.stop()
		}
		last, err = startClusterNodeOnce(bin, timeout)
		if err == nil || last == nil {
			return last, err
		}
		select {
		case <-last.done: // died, probably a port taken: try new ports
		default:
			return last, err // alive but silent: retrying will not help
		}
	}
	return last, err
}

func startClusterNodeOnce(bin string, timeout time.Duration) (*clusterNode, error) {
	// The cluster bus defaults to port+10000, which may be taken or
	// beyond 65535; give it a free port of its own.
	port, busPort, err := freePortPair()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "baogong-redis-cluster-")
	if err != nil {
		return nil, err
	}
	p := strconv.Itoa(port)
	n := &clusterNode{addr: "127.0.0.1:" + p, dir: dir}
	n.args = []string{bin, "--bind", "127.0.0.1", "--port", p,
		"--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + p + ".conf",
		"--cluster-node-timeout", strconv.FormatInt(timeout.Milliseconds(), 10), "--cluster-port", strconv.Itoa(busPort),
		"--repl-diskless-sync-delay", "0",
		// As in production (README): while one master's slots wait for
		// its replica, the other masters keep serving their communities.
		"--cluster-require-full-coverage", "no",
		"--dir", dir, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
		"--logfile", filepath.Join(dir, "redis.log")}
	if err := n.launch(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return n, n.waitPing()
}

// launch starts n's process with n.args.
func (n *clusterNode) launch() error {
	n.done = make(chan struct{})
	n.cmd = exec.Command(n.args[0], n.args[1:]...)
	if err := n.cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	go func() {
		n.cmd.Wait()
		close(n.done)
	}()
	return nil
}

// waitPing waits until n answers PING.
func (n *clusterNode) waitPing() error {
	rdb := redis.NewClient(&redis.Options{Addr: n.addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(clusterStartTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-n.done:
			return fmt.Errorf("redis-server %s exited before answering: %v", n.addr, n.cmd.ProcessState)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server %s did not answer: %v", n.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitState polls CLUSTER INFO on every node until all report
// cluster_state:ok, so that any of them routes every slot.
func (c *Cluster) waitState(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, n := range c.live() {
		rdb := redis.NewClient(&redis.Options{Addr: n.addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
		var info string
		var err error
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			info, err = rdb.ClusterInfo(ctx).Result()
			cancel()
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				rdb.Close()
				if err == nil {
					err = errors.New(firstLine(info))
				}
				return fmt.Errorf("node %s not ready after %v: %v", n.addr, timeout, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		rdb.Close()
	}
	return nil
}

// freePortPair returns two distinct free loopback ports.
func freePortPair() (int, int, error) {
	var ports [2]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, 0, err
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1], nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}

// Client returns a new client of the cluster; the caller closes it.
func (c *Cluster) Client() *redis.ClusterClient {
	return redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs})
}

// Stop kills every node and removes their files.
func (c *Cluster) Stop() {
	for _, n := range c.nodes {
		n.stop()
	}
}

func (n *clusterNode) stop() {
	if n.cmd != nil && n.cmd.Process != nil {
		n.cmd.Process.Kill()
		<-n.done
	}
	os.RemoveAll(n.dir)
}

// logs renders the tail of every node's log, for errors.
func (c *Cluster) logs() string {
	var b strings.Builder
	for _, n := range c.nodes {
		data, err := os.ReadFile(filepath.Join(n.dir, "redis.log"))
		if err != nil {
			fmt.Fprintf(&b, "\n--- %s: no log: %v", n.addr, err)
			continue
		}
		lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
		if len(lines) > clusterLogTail {
			lines = lines[len(lines)-clusterLogTail:]
		}
		fmt.Fprintf(&b, "\n--- %s log, last %d lines:\n%s", n.addr, len(lines), bytes.Join(lines, []byte("\n")))
	}
	return b.String()
}
