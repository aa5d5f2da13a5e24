package outbox

import (
	"context"
	"testing"
	"time"

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
