// Package redistest starts a real redis-server for integration tests.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server process owned by the test binary.
type Server struct {
	Addr string
	cmd  *exec.Cmd
	dir  string
	// args start the server; Restart reuses them (same port, same dir).
	args []string
}

var (
	once   sync.Once
	shared *Server
	err    error
	seq    atomic.Int64
)

// Required is the environment variable that turns a missing redis-server
// from a skip into a failure; the README's test command sets it, so CI
// cannot pass without the real thing.
const Required = "BAOGONG_REQUIRE_REDIS"

// Shared returns the test binary's redis-server, starting it on first use.
// Tests share one server and keep apart by using distinct key prefixes
// (see Community). Stop it from TestMain with StopShared.
func Shared(t testing.TB) *Server {
	t.Helper()
	once.Do(func() { shared, err = Start() })
	if err != nil {
		unavailable(t, "redis-server", err)
	}
	return shared
}

// StopShared stops the shared server if one was started.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}

// Client returns a client of the shared server, closed with the test.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	s := Shared(t)
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: 2})
	t.Cleanup(func() { c.Close() })
	return c
}

// Community returns a community id no other test of this process uses.
func Community(t testing.TB) string {
	return fmt.Sprintf("t%d-%d", os.Getpid(), seq.Add(1))
}

// Start runs a redis-server on a free loopback port with AOF on, as in
// production, in a temporary directory.
func Start() (*Server, error) { return StartWith(Options{}) }

// Options change how StartWith runs the server.
type Options struct {
	// AppendFsync is the AOF fsync policy: "everysec" (the default, as in
	// production), "always" or "no".
	AppendFsync string
	// ReplicaOf makes the server a replica of the server at this
	// host:port (see Server.WaitInSync).
	ReplicaOf string
}

// StartWith runs a redis-server like Start, with o applied.
func StartWith(o Options) (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server not found: install it (apt-get install -y redis-server)")
	}
	if o.AppendFsync == "" {
		o.AppendFsync = "everysec"
	}
	dir, err := os.MkdirTemp("", "baogong-redis-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: "127.0.0.1:" + strconv.Itoa(port), dir: dir}
	s.args = []string{bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
		"--dir", dir, "--appendonly", "yes", "--appendfsync", o.AppendFsync, "--save", "",
		"--logfile", filepath.Join(dir, "redis.log")}
	if host, port, ok := strings.Cut(o.ReplicaOf, ":"); ok {
		s.args = append(s.args, "--replicaof", host, port, "--repl-diskless-sync-delay", "0")
	}
	if err := s.launch(); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// launch starts the server process with s.args and waits until it answers
// (after loading its AOF, when it has one).
func (s *Server) launch() error {
	s.cmd = exec.Command(s.args[0], s.args[1:]...)
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: 2})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			return fmt.Errorf("redis-server did not answer: %v\n%s", err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server and removes its files.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
	os.RemoveAll(s.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ClientOf returns a client of s with short timeouts; the caller closes it.
func ClientOf(s *Server) *redis.Client {
	return redis.NewClient(&redis.Options{Addr: s.Addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
}

// Pause freezes the server (SIGSTOP): it keeps its connections but answers
// nothing, the worst way for Redis to fail.
func (s *Server) Pause() error { return s.cmd.Process.Signal(syscall.SIGSTOP) }

// Resume undoes Pause.
func (s *Server) Resume() error { return s.cmd.Process.Signal(syscall.SIGCONT) }

// Main runs a package's tests, then runs cleanups and stops the servers
// Shared started. Use it as the package's TestMain:
// func TestMain(m *testing.M) { redistest.Main(m) }.
func Main(m *testing.M, cleanups ...func()) {
	code := m.Run()
	for _, c := range cleanups {
		c()
	}
	StopShared()
	StopSharedCluster()
	os.Exit(code)
}

// Own starts a server for one test alone, for tests that stop or freeze
// it; it is stopped when the test ends. Like Shared, it skips the test when
// redis-server is missing unless Required is set.
func Own(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		unavailable(t, "redis-server", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// unavailable skips the test when what could not be started, or fails it
// when Required is set (as in CI, where a skip would hide missing parts).
func unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv(Required) == "" {
		t.Skipf("no %s (%v); set %s=1 to make this a failure", what, err, Required)
	}
	t.Fatalf("%s: %v", what, err)
}
