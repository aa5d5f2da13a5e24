package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// Regression (from an attack review): a stranger's 绑定 of an occupied household is not limited: every
// message makes a new code and pages every member of the household.
func TestAttackBindRequestFlood(t *testing.T) {
	e := newEnv(t, nil)
	ob, fake := e.withOutbox(t)
	ctx := context.Background()
	e.say("mum", "绑定 3栋2单元501")
	for i := 0; i < 25; i++ {
		e.say("stranger", "绑定 3-2-501")
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if asks := texts(fake, "mum"); len(asks) > 1 {
		t.Errorf("one stranger paged the household %d times in a minute", len(asks))
	}
}

// Regression (from an attack review): the 9000 four-digit codes can be used up (one openid makes
// 43 200 requests a day at 30 a minute); then no one can ask to join any
// household, and the answer is 系统繁忙 for ever.
func TestAttackBindCodesExhausted(t *testing.T) {
	e := newEnv(t, nil)
	ob, _ := e.withOutbox(t)
	_ = ob
	ctx := context.Background()
	e.say("mum", "绑定 3栋2单元501")
	p := e.rdb.Pipeline()
	for c := 1000; c < 10000; c++ {
		p.Set(ctx, fmt.Sprintf("bg:{%s}:bindreq:%d", e.community, c), "{}", 0)
	}
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	got := e.say("son", "绑定 3-2-501")
	if strings.Contains(got, "系统繁忙") {
		t.Errorf("codes used up: a real family member is told %q", got)
	}
}

// Regression (from an attack review): the first to bind an empty household (no members, no orders)
// holds it; the real resident's request then goes to the squatter (who
// can refuse it), not to the building's lead.
func TestAttackSquatterAnswersTheRealResident(t *testing.T) {
	e := newEnv(t, nil)
	ob, fake := e.withOutbox(t)
	e.wrote("lead-3")
	ctx := context.Background()
	if got := e.say("squatter", "绑定 3栋2单元501"); !strings.HasPrefix(got, "已绑定") {
		t.Fatalf("squatter: %q", got)
	}
	e.say("grandma", "绑定 3栋2单元501")
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// The issue asks the household's members; the lead is asked too, and
	// may approve whatever the squatter says (then 解绑 them).
	asks := texts(fake, "lead-3")
	if len(asks) == 0 || !strings.Contains(asks[len(asks)-1], "也已经问了这户已绑定的人") {
		t.Fatalf("the lead was not asked: %q", asks)
	}
	code := codeInPush.FindStringSubmatch(asks[len(asks)-1])[1]
	if got := e.say("lead-3", "同意绑定 "+code); !strings.Contains(got, "已同意") {
		t.Errorf("the lead's approval: %q", got)
	}
}

// Regression (from an attack review): a claimed urgent order that is then cancelled: the claimer's
// 领取 again meets claim.lua's MINE (checked before the status) and is
// told to go and deliver a cancelled order.
func TestAttackReclaimCancelled(t *testing.T) {
	e, ob, _ := urgentEnv(t)
	ctx := context.Background()
	e.say("zhang", "绑定 3栋2单元501")
	e.say("zhang", "急！布洛芬1盒") // 1001
	ob.Drain(ctx)
	first := e.say("vol-a", "领取 1001")
	if c := e.say("zhang", "取消 1001"); !strings.HasPrefix(c, "已取消") {
		t.Fatalf("cancel: %s", c)
	}
	got := e.say("vol-a", "领取 1001")
	if !strings.Contains(got, "取消") {
		t.Errorf("re-claim of a cancelled order:\n%s\n(first claim: %s)", got, first)
	}
}

// Regression (from an attack review): volunteer application codes are four random digits written with
// a plain SET: another sign-up drawing the same code replaces the waiting
// one, and the lead's 同意志愿者 <code> then makes the stranger a
// volunteer (urgent pushes with doors, marks, rosters). One openid draws
// 43 200 codes a day at 30 messages a minute: every code of the 9000.
func TestAttackApplicationCodeOverwritten(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.say("neighbour", "绑定 3栋1单元101")
	got := e.say("neighbour", "报名志愿者 邻居 13800002222")
	code := regexp.MustCompile(`编号(\d{4})`).FindStringSubmatch(got)[1]
	// The stranger binds any empty door of the grid at once...
	e.say("stranger", "绑定 5栋1单元909")
	// ...and signs up until one of his codes is the neighbour's (what
	// the random draw does); here we write the colliding draw directly.
	if _, err := e.store.Apply(ctx, orders.Application{Code: code, OpenID: "stranger", Grid: "G1",
		Address: orders.Address{Building: "5", Unit: "1", Room: "909"}, At: e.now}); !errors.Is(err, orders.ErrConflict) {
		t.Errorf("a second application under a waiting code: %v, want ErrConflict", err)
	}
	e.say("lead-3", "同意志愿者 "+code) // the lead approves the neighbour's code
	team, _ := e.store.Volunteers(ctx, "G1")
	if slices.Contains(team, "stranger") {
		t.Errorf("the lead approved code %s for the neighbour; the stranger is now a volunteer of G1: %v", code, team)
	}
}

// Regression (from an attack review): replies are not bounded: WeChat's passive reply holds 2048
// bytes of text (NOTES.md); these echo the resident's words back.
func TestAttackLongReplies(t *testing.T) {
	e := newEnv(t, nil)
	e.bot.PerMinute = 1000
	e.say("r", "绑定 3栋2单元501")
	for _, in := range []string{
		strings.Repeat("疏 ", 1000),
		strings.Repeat("蔬菜包0份 ", 250),
		strings.Repeat("鸡蛋1.5盒 ", 250),
		"领取 " + strings.Repeat("9", 3900),
		"完成 " + strings.Repeat("9", 3900),
	} {
		if got := e.say("r", in); len(got) > 2048 {
			t.Errorf("%.20q…: reply of %d bytes: %.80q", in, len(got), got)
		}
	}
}

// lateHook holds up the first Resolve of a message (its answer "lost")
// and the order's place script, as a TCP retransmit or a proxy would, and
// lets both reach Redis later, in the order they were sent.
type lateHook struct {
	resolved, placed atomic.Bool
	late             sync.WaitGroup
}

func (h *lateHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *lateHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *lateHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		args := cmd.Args()
		if len(args) <= 3 || !strings.HasPrefix(cmd.Name(), "eval") {
			return next(ctx, cmd)
		}
		k, _ := args[3].(string)
		var delay time.Duration
		switch {
		case strings.Contains(k, ":msg:") && !h.resolved.Swap(true):
			delay = 600 * time.Millisecond // bot.arrive's first try
		case strings.Contains(k, ":req:wx:") && !h.placed.Swap(true):
			delay = 1200 * time.Millisecond // the place script
		default:
			return next(ctx, cmd)
		}
		h.late.Add(1)
		go func() {
			defer h.late.Done()
			time.Sleep(delay)
			next(context.Background(), cmd)
		}()
		cmd.SetErr(errLostAnswer)
		return errLostAnswer
	}
}

// Regression, end to end (from an attack review): the resident is told 没有办成 and the order is placed.
func TestAttackToldBusyButPlaced(t *testing.T) {
	e := newEnv(t, nil)
	e.say("r", "绑定 3栋2单元501")
	e.say("warm-up", "绑定 5栋1单元101")
	e.say("warm-up", "蔬菜包1份") // scripts loaded
	hook := &lateHook{}
	e.rdb.AddHook(hook)
	got := e.say("r", "鸡蛋1盒")
	hook.late.Wait()
	list, err := e.store.HouseholdOrders(context.Background(), "3-2-501", 10)
	if err != nil {
		t.Fatal(err)
	}
	if got == textBusy && len(list) > 0 {
		t.Errorf("told %q, but order %s was placed (%s)", got, list[0].ID, list[0].Status)
	}
}
