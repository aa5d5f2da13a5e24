package bot

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/wxsign"
)

var codeInPush = regexp.MustCompile(`同意绑定 (\d{4})`)

// TestStrangerCannotTakeAHousehold walks the bindings through the
// callback: a stranger who binds an occupied household sees and changes
// nothing of it until a member approves; a refusal leaves them out; a
// household the lead ordered for asks the lead; members leave with 解绑
// and a lead removes one.
func TestStrangerCannotTakeAHousehold(t *testing.T) {
	e := newEnv(t, nil)
	ob, fake := e.withOutbox(t)
	ctx := context.Background()
	drain := func() {
		t.Helper()
		if _, err := ob.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.say("mum", "绑定 3栋2单元501"); !strings.HasPrefix(got, "已绑定") {
		t.Fatalf("first member: %q", got)
	}
	placed := e.say("mum", "蔬菜包1份")
	if !strings.HasPrefix(placed, "下单成功") {
		t.Fatalf("order: %q", placed)
	}
	id := regexp.MustCompile(`订单号 (\d+)`).FindStringSubmatch(placed)[1]

	// A stranger binds the same door.
	got := e.say("stranger", "绑定 3-2-501")
	if !strings.Contains(got, "已请这户已经绑定的家人确认") {
		t.Fatalf("stranger's bind: %q", got)
	}
	if got := e.say("stranger", "我的订单"); !strings.Contains(got, "绑定") || strings.Contains(got, id) {
		t.Errorf("the stranger sees the household's orders: %q", got)
	}
	if got := e.say("stranger", "取消 "+id); strings.Contains(got, "已取消") {
		t.Errorf("the stranger cancelled the household's order: %q", got)
	}
	drain()
	asks := texts(fake, "mum")
	if len(asks) != 1 || !strings.Contains(asks[0], "有人申请绑定您家3栋2单元501") {
		t.Fatalf("the member was not asked: %q", asks)
	}
	code := codeInPush.FindStringSubmatch(asks[0])[1]
	// Only the household (or its lead) answers: the stranger cannot
	// approve themselves, and neither can another resident.
	if got := e.say("stranger", "同意绑定 "+code); !strings.Contains(got, "没有找到绑定申请") {
		t.Errorf("self-approval: %q", got)
	}
	e.say("neighbour", "绑定 3栋2单元502")
	if got := e.say("neighbour", "同意绑定 "+code); !strings.Contains(got, "没有找到绑定申请") {
		t.Errorf("a neighbour approved: %q", got)
	}
	if got := e.say("mum", "拒绝绑定 "+code); !strings.Contains(got, "已拒绝") {
		t.Fatalf("refuse: %q", got)
	}
	drain()
	if told := texts(fake, "stranger"); len(told) != 1 || !strings.Contains(told[0], "没有通过") {
		t.Errorf("the stranger was not told of the refusal: %q", told)
	}
	if got := e.say("stranger", "我的订单"); strings.Contains(got, id) {
		t.Errorf("refused stranger sees the orders: %q", got)
	}

	// The son asks, mum approves: he is in, and told.
	e.say("son", "绑定 3栋2单元501")
	drain()
	asks = texts(fake, "mum")
	code = codeInPush.FindStringSubmatch(asks[len(asks)-1])[1]
	if got := e.say("mum", "同意绑定 "+code); !strings.Contains(got, "已同意") {
		t.Fatalf("approve: %q", got)
	}
	if got := e.say("mum", "同意绑定 "+code); !strings.Contains(got, "没有找到") {
		t.Errorf("second approval of one code: %q", got)
	}
	if got := e.say("son", "我的订单"); !strings.Contains(got, id) {
		t.Errorf("approved son does not see the orders: %q", got)
	}

	// An elder without WeChat, ordered for by the lead: the lead is asked.
	e.say("lead-3", "3-1-101 蔬菜包1份")
	if got := e.say("nephew", "绑定 3栋1单元101"); !strings.Contains(got, "已请楼栋长确认") {
		t.Fatalf("binding an elder's household: %q", got)
	}
	drain()
	leadAsks := texts(fake, "lead-3")
	if len(leadAsks) == 0 || !strings.Contains(leadAsks[len(leadAsks)-1], "3栋1单元101") {
		t.Fatalf("the lead was not asked: %q", leadAsks)
	}
	code = codeInPush.FindStringSubmatch(leadAsks[len(leadAsks)-1])[1]
	if got := e.say("lead-3", "同意绑定 "+code); !strings.Contains(got, "已同意") {
		t.Fatalf("lead's approval: %q", got)
	}

	// The lead lists 3-2-501's members and removes the second.
	list := e.say("lead-3", "解绑 3-2-501")
	if !strings.Contains(list, "绑定了2人") {
		t.Fatalf("members: %q", list)
	}
	if got := e.say("lead-3", "解绑 3-2-501 2"); !strings.Contains(got, "已把第2位") {
		t.Fatalf("remove: %q", got)
	}
	if got := e.say("son", "我的订单"); strings.Contains(got, id) {
		t.Errorf("removed member still sees the orders: %q", got)
	}
	// Leaving on one's own.
	if got := e.say("mum", "解绑"); !strings.HasPrefix(got, "已解绑3栋2单元501") {
		t.Errorf("unbind: %q", got)
	}
	if got := e.say("mum", "蔬菜包1份"); !strings.Contains(got, "绑定") {
		t.Errorf("ordering after unbinding: %q", got)
	}
}

// TestUnfollowLeavesTheHousehold: someone who unfollows the account can be
// told nothing any more, so they leave their household.
func TestUnfollowLeavesTheHousehold(t *testing.T) {
	e := newEnv(t, nil)
	e.say("gone", "绑定 3栋2单元501")
	e.reply(wxsign.EventXML(officialID, "gone", "unsubscribe", "", time.Now()))
	if users, _ := e.store.HouseholdUsers(context.Background(), "3-2-501"); len(users) != 0 {
		t.Errorf("members after unfollowing: %v", users)
	}
	if got := e.say("next", "绑定 3栋2单元501"); !strings.HasPrefix(got, "已绑定") {
		t.Errorf("the household after its only member left: %q", got)
	}
}
