package bot

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/wechat"
)

// TestOneStepSeesWhatChanged: a resident's order is answered in one step
// for the sender as this replica last read them (fast.go). Whatever
// changed since, on another replica or in the console, the answer is the
// one the sender's state now calls for, and no order is placed for a
// sender who may not order.
func TestOneStepSeesWhatChanged(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	// Another replica of the service, on the same store.
	other := newBot(e.bot.Catalog, testCommunity(), e.store, failingNotices{}, func() time.Time { return e.now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	orderCount := func() int {
		t.Helper()
		list, err := e.store.HouseholdOrders(ctx, "3-2-501", 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	rt := &roundTrips{}
	e.rdb.AddHook(rt)
	e.mustSay(t, "r1", "绑定 3栋2单元501", "已绑定")
	e.mustSay(t, "r1", "挂面1袋", "下单成功")
	e.mustSay(t, "r1", "挂面1袋", "下单成功") // loads the one-step script
	rt.n.Store(0)
	e.mustSay(t, "r1", "挂面1袋", "下单成功")
	if n := rt.n.Load(); n != 1 {
		t.Errorf("an order from a sender read before took %d round trips, want 1", n)
	}

	// The day closed (截单 elsewhere): the order counts for the next day,
	// and the answer says so.
	open := e.openDay()
	if _, err := e.store.CloseDay(ctx, "2026-11-24", e.now); err != nil {
		t.Fatal(err)
	}
	if next := e.openDay(); next == open {
		t.Fatalf("closing the day changed nothing: %v", next)
	}
	got := e.say("r1", "挂面1袋")
	if when := textWhen(e.openDay()); !strings.HasPrefix(got, "下单成功") || when == "" || !strings.Contains(got, when) {
		t.Errorf("after 截单 elsewhere: %q, want it to say %q", got, when)
	}

	// Unbound on another replica: nothing is placed, and they are asked
	// to bind.
	if got := other.Handle(ctx, Request{MsgType: "text", Content: "解绑", OpenID: "r1", MsgID: e.msgID.Add(1)}); !strings.Contains(got, "解") {
		t.Fatalf("解绑 on the other replica: %q", got)
	}
	before := orderCount()
	if got := e.say("r1", "挂面1袋"); strings.HasPrefix(got, "下单成功") || !strings.Contains(got, "绑定") {
		t.Errorf("after 解绑 elsewhere: %q, want to be asked to bind", got)
	}
	if n := orderCount(); n != before {
		t.Errorf("an order was placed for an unbound sender: %d → %d", before, n)
	}

	// Bound again, then too many messages in a minute: the one over the
	// limit is held back, in one step or two.
	// A minute later: a new minute's count.
	e.now = e.now.Add(time.Minute)
	e.mustSay(t, "r1", "绑定 3栋2单元502", "已绑定")
	e.mustSay(t, "r1", "挂面1袋", "下单成功") // read again: the next are one step
	e.bot.PerMinute = 8
	var slowed bool
	for range 10 {
		if got := e.say("r1", "挂面1袋"); got == textSlowDown {
			slowed = true
			break
		}
	}
	if !slowed {
		t.Errorf("ten orders in a minute with a limit of 8: none held back")
	}
}

// TestOneStepUrgentWritesNothingUnclaimed: an order that would be urgent
// (an urgent item, or any order of a marked household) joins the
// household's open urgent request, a write of its own. In one step that
// write would come before the message is claimed and its sender checked:
// made for a sender who left the household since, or for a body forged
// under a signature seen once. Neither may change the open request.
func TestOneStepUrgentWritesNothingUnclaimed(t *testing.T) {
	e, _, _ := urgentEnv(t)
	ctx := context.Background()
	e.tieSignatures()
	other := newBot(e.bot.Catalog, e.bot.Community, e.store, failingNotices{}, func() time.Time { return e.now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.mustSay(t, "r1", "绑定 3栋2单元501", "已绑定")
	e.mustSay(t, "r1", "挂面1袋", "下单成功") // r1 is known to this replica
	e.mustSay(t, "r1", "硝酸甘油1瓶", "急需订单已收到")
	urgentLines := func() string {
		t.Helper()
		list, err := e.store.HouseholdOrders(ctx, "3-2-501", 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range list {
			if o.Urgent && o.Status == orders.StatusPending {
				return orders.Goods(o.Lines)
			}
		}
		t.Fatal("no open urgent order")
		return ""
	}
	before := urgentLines()

	// A body forged under the signature of a message seen once: refused,
	// and nothing done.
	if got, want := e.postUnderOneSignature(e.textXML("r2", "帮助"), e.textXML("r1", "硝酸甘油1瓶 鸡蛋1盒")), []int{http.StatusOK, http.StatusForbidden}; !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if got := urgentLines(); got != before {
		t.Errorf("a forged body changed the open urgent order: %q → %q", before, got)
	}

	// r1 leaves the household on another replica: their order changes
	// nothing of the household's.
	before = urgentLines()
	if got := other.Handle(ctx, Request{MsgType: "text", Content: "解绑", OpenID: "r1", MsgID: e.msgID.Add(1)}); !strings.Contains(got, "解") {
		t.Fatalf("解绑 on the other replica: %q", got)
	}
	if got := e.say("r1", "硝酸甘油1瓶 牛奶1箱"); !strings.Contains(got, "绑定") {
		t.Errorf("after 解绑 elsewhere: %q, want to be asked to bind", got)
	}
	if got := urgentLines(); got != before {
		t.Errorf("a sender who left changed the household's urgent order: %q → %q", before, got)
	}
}

// TestOneStepCountsEachOrderOnce: the actions' metrics count what people
// did. An order tried in one step that did not go ahead (its sender
// changed, or it was a WeChat retry of a message answered already) did
// nothing: it is neither an order nor an error.
func TestOneStepCountsEachOrderOnce(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	var mu sync.Mutex
	counted := map[string]int{}
	e.bot.Actions.Observe = func(action string, _ actions.Door, outcome string) {
		mu.Lock()
		defer mu.Unlock()
		counted[action+" "+outcome]++
	}
	e.mustSay(t, "r1", "绑定 3栋2单元501", "已绑定")
	e.mustSay(t, "r1", "挂面1袋", "下单成功") // r1 is known to this replica
	clear(counted)

	msg := e.textXML("r1", "挂面1袋")
	first := e.reply(msg)
	if again := e.reply(msg); again != first || !strings.HasPrefix(first, "下单成功") {
		t.Fatalf("order %q, its retry %q", first, again)
	}
	// The day closes elsewhere: the next order is tried in one step for
	// the day as it was, then answered anew.
	if _, err := e.store.CloseDay(ctx, "2026-11-24", e.now); err != nil {
		t.Fatal(err)
	}
	e.mustSay(t, "r1", "挂面1袋", "下单成功")
	if want := map[string]int{"place ok": 2}; !maps.Equal(counted, want) {
		t.Errorf("actions counted %v, want %v", counted, want)
	}
}

// TestForgedBodyIsNoMessage: a body refused for a signature tied to
// another (wechat.Forged) was never a message: it is not counted as one
// answered.
func TestForgedBodyIsNoMessage(t *testing.T) {
	e := newEnv(t, nil)
	e.tieSignatures()
	var mu sync.Mutex
	var counted []string
	e.bot.Observe = func(intent, outcome string, _ time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		counted = append(counted, intent+" "+outcome)
	}
	if got, want := e.postUnderOneSignature(e.textXML("r2", "帮助"), e.textXML("r1", "帮助")), []int{http.StatusOK, http.StatusForbidden}; !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if want := []string{"help ok"}; !slices.Equal(counted, want) {
		t.Errorf("messages counted %v, want %v", counted, want)
	}
}

// tieSignatures makes e's callback a plaintext account of one community,
// as cmd wires it: each callback's signature is tied to its body in the
// message's first store step (wechat.Handler.NoncesInAnswer).
func (e *env) tieSignatures() {
	h := e.srv.Config.Handler.(*wechat.Handler)
	h.Nonces, h.NoncesInAnswer, h.MaxAge = wechat.NewRedisNoncesAt(e.rdb, e.store.NoncePrefix()), true, time.Hour
	e.t.Cleanup(func() { h.Nonces, h.NoncesInAnswer, h.MaxAge = nil, false, 0 })
}

// postUnderOneSignature posts bodies in turn under one signature (one
// timestamp and nonce), as someone who saw the first callback's URL
// would, and returns their statuses.
func (e *env) postUnderOneSignature(bodies ...[]byte) []int {
	e.t.Helper()
	at := time.Now()
	var out []int
	for _, body := range bodies {
		req, err := e.acct.Plain(e.srv.URL+"/wechat", body, at, "seen-nonce")
		if err != nil {
			e.t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			e.t.Fatal(err)
		}
		resp.Body.Close()
		out = append(out, resp.StatusCode)
	}
	return out
}
