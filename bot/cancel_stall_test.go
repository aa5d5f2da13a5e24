package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
)

// newStalling returns an env on a redis-server of its own, reached with
// the client settings of cmd/baogong, that stalls once armed as a script
// changing an order is sent.
func newStalling(t *testing.T) (*env, *redistest.Stall) {
	rdb, stall := redistest.StallingClient(t, ":o:")
	return newEnv(t, rdb), stall
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

	stall.Arm()
	got := e.say("lead-3", "取消 3-2-501")
	stall.Wait(t)
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

	stall.Arm()
	got := e.say("lead-3", "已收款 3-2-501")
	stall.Wait(t)
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
