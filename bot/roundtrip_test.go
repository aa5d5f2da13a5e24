package bot

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
)

// roundTrips counts the commands and pipelines a client sends: each is one
// round trip to Redis.
type roundTrips struct {
	n   atomic.Int64
	log func(string)
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "hello" {
			return next(ctx, cmd) // a new pooled connection, not the path
		}
		r.n.Add(1)
		if r.log != nil {
			r.log(cmd.Name())
		}
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && cmds[0].Name() == "client" {
			return next(ctx, cmds) // a new pooled connection's set-up
		}
		r.n.Add(1)
		if r.log != nil {
			r.log("pipeline")
		}
		return next(ctx, cmds)
	}
}

var _ redis.Hook = (*roundTrips)(nil)

// TestOrderRoundTrips pins the message path's cost: a resident's order is
// one script (claim, sender, the order and its answer); a WeChat retry of
// it is one read. The hook sees every command the bot
// sends, so a new lookup on the hot path fails this test.
func TestOrderRoundTrips(t *testing.T) {
	e := newEnv(t, nil)
	rt := &roundTrips{}
	e.rdb.AddHook(rt)
	u := "counted"
	e.say(u, "绑定 3栋2单元501")
	// The first orders load the scripts (EVALSHA, then EVAL once): the
	// first is two steps (its sender is not known yet), the next one.
	for _, text := range []string{"鸡蛋1盒", "鸡蛋1盒"} {
		if got := e.say(u, text); !strings.HasPrefix(got, "下单成功") {
			t.Fatalf("first orders: %q", got)
		}
	}
	for _, tc := range []struct {
		name, text, want string
		max              int64
	}{
		// An order from a sender read before is one step: claim,
		// sender and order in one script (fast.go).
		{"order", "蔬菜包1份", "下单成功", 1},
		// An urgent order also reads the household's orders (one open
		// urgent request per household), its grid's team (volunteers and
		// leads) to say who heard of it, and queues the push.
		{"urgent order", "急 布洛芬1盒", "急需订单已收到", 8},
		{"my orders", "我的订单", "您家的订单", 4},
		{"help", "帮助", "", 2},
		{"unknown goods", "火龙果1个", "没有找到", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := e.textXML(u, tc.text)
			rt.n.Store(0)
			rt.log = func(s string) { t.Log(s) }
			got := e.reply(msg)
			rt.log = nil
			if n := rt.n.Load(); n > tc.max {
				t.Errorf("%d round trips, want at most %d (reply %q)", n, tc.max, got)
			}
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("reply %q, want %q…", got, tc.want)
			}
			rt.n.Store(0)
			if again := e.reply(msg); again != got {
				t.Errorf("retry answered %q, first %q", again, got)
			}
			if n := rt.n.Load(); n != 1 {
				t.Errorf("retry took %d round trips, want 1", n)
			}
		})
	}

	// A plaintext account of one community ties each callback's
	// signature to its body in the same step (wechat.NoncesInAnswer).
	e.tieSignatures()
	e.say(u, "挂面1袋") // loads the script with the signature
	rt.n.Store(0)
	if got := e.say(u, "挂面1袋"); !strings.HasPrefix(got, "下单成功") {
		t.Errorf("order with its signature tied: %q", got)
	}
	if n := rt.n.Load(); n != 1 {
		t.Errorf("an order with its signature tied took %d round trips, want 1", n)
	}
}
