package redistest

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// What chaos tests do to a server of their own: freeze it (Pause and
// Resume), kill it and start it again on the same port and directory, so
// that it replays its AOF as a crashed production Redis would.

// OwnWith is Own with o applied: a private server, stopped when the test
// ends.
func OwnWith(t testing.TB, o Options) *Server {
	t.Helper()
	s, err := StartWith(o)
	if err != nil {
		unavailable(t, "redis-server", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Pid is the server process's id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Kill ends the server with SIGKILL, as a crash would: it saves nothing on
// the way out, and its AOF holds what it had written. It returns once the
// process is gone.
func (s *Server) Kill() error {
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	err := s.cmd.Wait()
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		return nil // killed, as asked
	}
	return err
}

// Restart starts a stopped server again with the same port, directory and
// options, and returns once it answers, its AOF loaded.
func (s *Server) Restart() error { return s.launch() }

// busyScript keeps the server busy for ARGV[1] microseconds.
var busyScript = redis.NewScript(`
local s = redis.call('TIME')
local t
repeat
  t = redis.call('TIME')
until (t[1] - s[1]) * 1000000 + (t[2] - s[2]) >= tonumber(ARGV[1])
return 1`)

// Slow makes the server answer late, as under a heavy load, until stop is
// called: it keeps it busy (a Lua loop) two milliseconds out of every two
// and a half or so. Clients then spend nearly all their time waiting for
// it, each with a command in flight, so a fault struck while it is slow
// meets every client at whatever step it has reached, the rare ones (an
// order's write) included. Call stop once the server runs again: a frozen
// server holds it.
func (s *Server) Slow() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1, ReadTimeout: -1, DialTimeout: 200 * time.Millisecond})
	go func() {
		defer close(done)
		defer c.Close()
		for ctx.Err() == nil {
			busyScript.Run(ctx, c, nil, 2000)
			time.Sleep(500 * time.Microsecond)
		}
	}()
	return func() { cancel(); <-done }
}

// WaitInSync waits until s, a replica (Options.ReplicaOf), reports
// master_link_status:up: it holds its master's data and acknowledges
// new writes.
func (s *Server) WaitInSync(timeout time.Duration) error {
	c := ClientOf(s)
	defer c.Close()
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		info, err := c.Info(ctx, "replication").Result()
		cancel()
		if err == nil && strings.Contains(info, "master_link_status:up") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("replica %s not in sync after %v (%v)", s.Addr, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
