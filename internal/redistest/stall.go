package redistest

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Stall is a go-redis hook that freezes a server (SIGSTOP) for D as its
// client sends the first script whose first key holds Key after
// Arm. The script waits in the server's socket while the client times out
// and, as go-redis does once after a read timeout, sends it again: when
// the server thaws both run. With a read timeout of 1 s, D of 1.5 s lets
// the second send reach the server before it thaws.
//
// Cmd, when set, names a command other than a script (lower case: "set")
// that stalls too when its first key holds Key: go-redis sends those
// again after a read timeout as well.
type Stall struct {
	Server *Server
	Key    string
	D      time.Duration
	Cmd    string

	armed  atomic.Bool
	thawed chan struct{}
}

// Arm makes the next matching script stall the server.
func (s *Stall) Arm() {
	s.thawed = make(chan struct{})
	s.armed.Store(true)
}

// Wait waits until the server stalled and runs again.
func (s *Stall) Wait(t testing.TB) {
	t.Helper()
	select {
	case <-s.thawed:
	case <-time.After(10 * time.Second):
		t.Fatal("redis-server was never frozen, or never thawed")
	}
}

// DialHook implements redis.Hook.
func (*Stall) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessPipelineHook implements redis.Hook.
func (*Stall) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// ProcessHook implements redis.Hook.
func (s *Stall) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		args, key := cmd.Args(), ""
		switch name := cmd.Name(); {
		case (name == "evalsha" || name == "eval") && len(args) > 3:
			key, _ = args[3].(string)
		case s.Cmd != "" && name == s.Cmd && len(args) > 1:
			key, _ = args[1].(string)
		}
		if key != "" {
			if strings.Contains(key, s.Key) && s.armed.CompareAndSwap(true, false) {
				thawed, err := s.Server.Freeze(s.D)
				if err != nil {
					panic(err)
				}
				done := s.thawed
				go func() { <-thawed; close(done) }()
			}
		}
		return next(ctx, cmd)
	}
}

// StallingClient returns a client of a server of its own with the
// timeouts of cmd/baogong (1 s, one retry), and its Stall.
func StallingClient(t testing.TB, key string) (*redis.Client, *Stall) {
	srv := Own(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, DialTimeout: time.Second,
		ReadTimeout: time.Second, WriteTimeout: time.Second, MaxRetries: 1})
	t.Cleanup(func() { rdb.Close() })
	st := &Stall{Server: srv, Key: key, D: 1500 * time.Millisecond}
	rdb.AddHook(st)
	return rdb, st
}
