package bot

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
)

// stallOnOrderWrite freezes a redis-server for d as a client sends the
// first script that writes an order hash once armed: the script waits in
// the server's socket while the client times out and sends it again (as
// go-redis does once after a read timeout), and both run once it thaws.
type stallOnOrderWrite struct {
	srv    *redistest.Server
	d      time.Duration
	armed  atomic.Bool
	thawed chan struct{}
}

func (*stallOnOrderWrite) DialHook(next redis.DialHook) redis.DialHook { return next }

func (*stallOnOrderWrite) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (s *stallOnOrderWrite) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		args := cmd.Args()
		if (cmd.Name() == "evalsha" || cmd.Name() == "eval") && len(args) > 3 {
			if key, _ := args[3].(string); strings.Contains(key, ":o:") && s.armed.CompareAndSwap(true, false) {
				thawed, err := s.srv.Freeze(s.d)
				if err != nil {
					panic(err)
				}
				go func() { <-thawed; close(s.thawed) }()
			}
		}
		return next(ctx, cmd)
	}
}

// newStalling returns an env on a redis-server of its own, reached with
// the client settings of cmd/baogong, that stalls for 1.5 s (longer than
// the client's read timeout, less than two) once armed.
func newStalling(t *testing.T) (*env, *stallOnOrderWrite) {
	srv := redistest.Own(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, DialTimeout: time.Second,
		ReadTimeout: time.Second, WriteTimeout: time.Second, MaxRetries: 1})
	t.Cleanup(func() { rdb.Close() })
	stall := &stallOnOrderWrite{srv: srv, d: 1500 * time.Millisecond, thawed: make(chan struct{})}
	rdb.AddHook(stall)
	return newEnv(t, rdb), stall
}

// wait waits until the server stalled and runs again.
func (s *stallOnOrderWrite) wait(t *testing.T) {
	t.Helper()
	select {
	case <-s.thawed:
	case <-time.After(10 * time.Second):
		t.Fatal("redis-server was never frozen, or never thawed")
	}
}

// TestLeadCancelWhileRedisStalls: a lead's 取消 <地址> whose cancel
// reaches Redis twice (sent, timed out, sent again by the client while
// Redis stalls) cancels the order, and the lead is told so, not that it
// is on its way and cannot be cancelled.
func TestLeadCancelWhileRedisStalls(t *testing.T) {
	e, stall := newStalling(t)
	if got := e.say("3-2-501", "绑定 3栋2单元501"); !strings.HasPrefix(got, "已绑定") {
		t.Fatalf("bind: %q", got)
	}
	// One cancel before, so the script is loaded and the stalled one is
	// sent as EVALSHA, as in a service that ran a while.
	e.say("lead-3", "3-1-101 蔬菜包1份")
	e.say("lead-3", "取消 3-1-101")
	placed := orderNo.FindStringSubmatch(e.say("3-2-501", "蔬菜包1份"))
	if placed == nil {
		t.Fatal("no order placed")
	}
	id := placed[1]

	stall.armed.Store(true)
	got := e.say("lead-3", "取消 3-2-501")
	stall.wait(t)
	// The cancel sent first runs as Redis thaws: wait for it.
	var o orders.Order
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var err error
		if o, err = e.store.Order(context.Background(), id); err == nil && o.Status == orders.StatusCancelled || time.Now().After(end) {
			break
		}
	}
	t.Logf("reply: %q; order %s is %s", got, id, o.Status)
	switch {
	case o.Status != orders.StatusCancelled:
		t.Errorf("order %s is %s after the lead's cancel (told %q)", id, o.Status, got)
	case strings.Contains(got, "不能取消") || strings.Contains(got, "没有办成"):
		t.Errorf("order %s is cancelled, but the lead was told %q", id, got)
	}
}

// TestLeadCollectWhileRedisStalls: a lead's 已收款 <地址> whose write
// reaches Redis twice records the payment and says so, not that the order
// was paid already.
func TestLeadCollectWhileRedisStalls(t *testing.T) {
	e, stall := newStalling(t)
	// One payment before, so the script is loaded and the stalled one is
	// sent as EVALSHA.
	e.say("lead-3", "3-1-101 蔬菜包1份")
	e.say("lead-3", "已收款 3-1-101")
	e.say("lead-3", "3-2-501 蔬菜包1份")

	stall.armed.Store(true)
	got := e.say("lead-3", "已收款 3-2-501")
	stall.wait(t)
	var o orders.Order
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		o = e.newest(t, "3-2-501")
		if o.Pay.PaidFen > 0 || time.Now().After(end) {
			break
		}
	}
	t.Logf("reply: %q; paid %d", got, o.Pay.PaidFen)
	if o.Pay.PaidFen > 0 && !strings.Contains(got, "已记下收款：1单") {
		t.Errorf("the order is paid, but the lead was told %q", got)
	}
}
