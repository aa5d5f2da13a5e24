package outbox

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redistest"
)

// TestReserveWhileRedisStalls: a reservation of a person's budget whose
// script reaches Redis twice (sent, timed out while Redis stalls, sent
// again by go-redis) takes the budget once: taken twice, notices WeChat
// would still take are held for the person's next message.
func TestReserveWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	rdb, stall := redistest.StallingClient(t, ":reach:")
	community := redistest.Community(t)
	o := New(rdb, community, nil, nil)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	o.Now = func() time.Time { return now }
	arrive(t, rdb, community, "zhang", now, "m")
	if took, err := o.reserve(ctx, "zhang", 1); err != nil || took != 1 { // loads the script
		t.Fatalf("first: %d, %v", took, err)
	}
	stall.Arm()
	took, err := o.reserve(ctx, "zhang", 1)
	stall.Wait(t)
	if err != nil || took != 1 {
		t.Fatalf("second: %d, %v", took, err)
	}
	used, err := rdb.HGet(ctx, ReachKey(community, "zhang"), "used").Int()
	if err != nil {
		t.Fatal(err)
	}
	if used != 2 {
		t.Errorf("two reservations of one message each used %d of the budget", used)
	}
	if took, err := o.reserve(ctx, "zhang", MessageBudget); err != nil || took != MessageBudget-2 {
		t.Errorf("the rest of the budget: took %d (%v), want %d", took, err, MessageBudget-2)
	}
}

// TestDrainWhileRedisStalls: a claim of due notices whose script reaches
// Redis twice hands the notices to the caller: the second run found them
// leased by the first (whose answer nobody reads), so they waited out the
// lease (2 min) before anyone sent them.
func TestDrainWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	rdb, stall := redistest.StallingClient(t, ":outbox:due")
	community := redistest.Community(t)
	var sent []string
	o := New(rdb, community, funcSender{func(n Notice) error { sent = append(sent, n.ID); return nil }}, slog.New(slog.DiscardHandler))
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	o.Coalesce, o.Now = -1, func() time.Time { return now }
	arrive(t, rdb, community, "zhang", now, "m")
	for _, id := range []string{"n1", "n2"} {
		if err := o.Enqueue(ctx, Notice{ID: id, OpenID: "zhang", Kind: "delivered", Text: "您订的蔬菜包已送到"}); err != nil {
			t.Fatal(err)
		}
		if id == "n2" {
			stall.Arm()
		}
		if _, err := o.Drain(ctx); err != nil { // the first loads the scripts
			t.Logf("drain %s: %v", id, err)
		}
	}
	stall.Wait(t)
	if _, err := o.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 {
		t.Errorf("sent %v; n2 waits for its lease to end", sent)
	}
}

// armAfter arms a Stall once the next script on the outbox's queue has
// run: the one after it stalls.
type armAfter struct {
	stall *redistest.Stall
	on    atomic.Bool
}

func (*armAfter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (*armAfter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (a *armAfter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if args := cmd.Args(); cmd.Name() == "evalsha" && len(args) > 3 {
			if key, _ := args[3].(string); strings.Contains(key, ":outbox:due") && a.on.CompareAndSwap(true, false) {
				a.stall.Arm()
			}
		}
		return err
	}
}

// TestCoalesceWhileRedisStalls: the claim of a person's other notices
// (sent together with the one due) whose script reaches Redis twice hands
// them to the caller: the second run found them leased under the
// caller's own fence and left them, so they waited out the lease (2 min).
func TestCoalesceWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	rdb, stall := redistest.StallingClient(t, ":outbox:due")
	arm := &armAfter{stall: stall}
	rdb.AddHook(arm)
	community := redistest.Community(t)
	o := New(rdb, community, funcSender{func(Notice) error { return nil }}, slog.New(slog.DiscardHandler))
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	now := t0
	o.Coalesce, o.Now = 2*time.Second, func() time.Time { return now }
	arrive(t, rdb, community, "zhang", now, "m")
	enqueue := func(id string) {
		if err := o.Enqueue(ctx, Notice{ID: id, OpenID: "zhang", Kind: "urgent", Text: "【急】" + id}); err != nil {
			t.Fatal(err)
		}
	}
	enqueue("p0")
	now = t0.Add(2 * time.Second)
	if _, err := o.Drain(ctx); err != nil { // loads the scripts
		t.Fatal(err)
	}
	enqueue("p1")
	now = now.Add(time.Second)
	enqueue("p2")
	now = now.Add(time.Second)
	arm.on.Store(true)
	if _, err := o.Drain(ctx); err != nil {
		t.Logf("drain: %v", err)
	}
	stall.Wait(t)
	if _, err := o.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"p1", "p2"} {
		if _, err := rdb.ZScore(ctx, o.keys[3], id).Result(); err != nil {
			t.Errorf("%s not delivered (%v): it waits for its lease to end", id, err)
		}
	}
}
