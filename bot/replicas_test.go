package bot

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redistest"
)

// TestOrdersWaitForAReplica runs the bot on a redis-server whose store
// confirms orders on one replica (redis.min_replicas_ack: 1): an order is
// acknowledged (下单成功！订单号) only when a replica holds it; written
// without one, the resident is told it was received and how to check.
func TestOrdersWaitForAReplica(t *testing.T) {
	primary := redistest.Own(t)
	rdb := redistest.ClientOf(primary)
	t.Cleanup(func() { rdb.Close() })
	e := newEnv(t, rdb)
	// Long enough for a replica of a busy machine to answer WAIT (a
	// replica that cannot waits it out: the orders without one take it).
	e.store.AckReplicas, e.store.AckTimeout = 1, 2*time.Second
	if got := e.say("r1", "绑定 3栋2单元501"); !strings.HasPrefix(got, "已绑定") {
		t.Fatalf("bind: %q", got)
	}
	placed := func(what, text string, want bool) {
		t.Helper()
		got := e.say("r1", text)
		if ok := strings.HasPrefix(got, "下单成功！订单号 "); ok != want {
			t.Errorf("%s: acknowledged=%v, want %v: %q", what, ok, want, got)
		}
		if !want && (!strings.HasPrefix(got, "收到您的订单（订单号 ") || !strings.Contains(got, "我的订单")) {
			t.Errorf("%s: %q, want the unconfirmed answer", what, got)
		}
	}

	placed("no replica", "挂面1袋", false)
	if got := e.say("r1", "我的订单"); !strings.Contains(got, "挂面") {
		t.Errorf("the unconfirmed order is not in 我的订单: %q", got)
	}

	replica, err := redistest.StartWith(redistest.Options{ReplicaOf: primary.Addr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(replica.Stop)
	if err := replica.WaitInSync(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	placed("replica in sync", "挂面1袋", true)

	// A new master (after a failover) has none of the scripts: placing
	// loads them and runs.
	if err := rdb.ScriptFlush(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	placed("empty script cache", "挂面2袋", true)

	if err := replica.Pause(); err != nil {
		t.Fatal(err)
	}
	placed("replica frozen", "挂面1袋", false)
	// Without AckReplicas nothing waits: a server without replicas
	// acknowledges at once (no WAIT is sent).
	e.store.AckReplicas = 0
	waits := waitCalls(t, rdb)
	placed("no acks asked", "挂面1袋", true)
	if n := waitCalls(t, rdb); n != waits {
		t.Errorf("without acks the order sent WAIT %d times", n-waits)
	}
	if err := replica.Resume(); err != nil {
		t.Fatal(err)
	}
}

// waitCalls is how many WAIT commands the server ran.
func waitCalls(t *testing.T, rdb redis.UniversalClient) int {
	t.Helper()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "cmdstat_wait:calls="); ok {
			n, _ := strconv.Atoi(rest[:strings.IndexByte(rest, ',')])
			return n
		}
	}
	return 0
}
