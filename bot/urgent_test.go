package bot

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/outbox"
	"github.com/baogong/baogong/urgent"
)

// urgentEnv is an env whose G1 has two volunteers, whose community has an
// admin, and whose catalog has an urgent item (硝酸甘油片, heart pills) that
// needs no prescription, with a real outbox and the fake WeChat API.
func urgentEnv(t *testing.T) (*env, *outbox.Outbox, *fakewechat.Faulty) {
	t.Helper()
	e := newEnv(t, nil)
	ob, fake := e.withOutbox(t)
	base := e.bot.Catalog
	items := append(slices.Clone(base.Items), catalog.Item{SKU: "MED-NTG", Name: "硝酸甘油片", Aliases: []string{"硝酸甘油"},
		Category: "medicine", Unit: "瓶", PriceFen: 1200, Supplier: "ph-renmin", Urgent: true})
	cat, err := catalog.New(base.Suppliers, items)
	if err != nil {
		t.Fatal(err)
	}
	e.setCatalog(cat)
	e.bot.Community.Grids[0].Volunteers = []string{"vol-a", "vol-b"}
	e.bot.Community.Admins = []string{"admin-1"}
	// An active team: each wrote to the account today, so pushes reach
	// them (reach_test.go has those who did not).
	e.wrote("vol-a", "vol-b", "lead-3", "admin-1")
	return e, ob, fake
}

// texts returns what the fake WeChat API got for openid.
func texts(fake *fakewechat.Faulty, openid string) []string {
	var out []string
	for _, s := range fake.SentTo(openid) {
		out = append(out, s.Text)
	}
	return out
}

func TestUrgentByWordPushedAtOnce(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	e.say("zhang", "绑定 3栋2单元501")
	got := e.say("zhang", "急！布洛芬1盒")
	o, err := e.store.Order(ctx, "1001")
	if err != nil {
		t.Fatal(err)
	}
	if !o.Urgent || got != textUrgentPlaced(o, urgent.Team) {
		t.Fatalf("urgent=%v reply:\n%s", o.Urgent, got)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	want := "【急】3栋2单元501 布洛芬缓释胶囊1盒\n谁能马上送？领取请回复：领取 1001"
	for _, u := range []string{"vol-a", "vol-b"} {
		if got := texts(fake, u); len(got) != 1 || got[0] != want {
			t.Errorf("pushed to %s: %q", u, got)
		}
	}
	// The volunteers can be reached: the lead's few pushes are spared
	// (reach_test.go has the lead paged when they cannot).
	for _, u := range []string{"lead-3", "lead-68", "admin-1", "zhang"} {
		if got := texts(fake, u); len(got) != 0 {
			t.Errorf("%s told: %q", u, got)
		}
	}
	// 不急 is not urgent, and a plain order is not either.
	if got := e.say("zhang", "蔬菜包1份 不急"); !strings.HasPrefix(got, "下单成功") {
		t.Errorf("不急: %s", got)
	}
	if got := e.say("zhang", "鸡蛋1盒"); !strings.HasPrefix(got, "下单成功") {
		t.Errorf("plain: %s", got)
	}
	ob.Drain(ctx)
	if got := texts(fake, "vol-a"); len(got) != 1 {
		t.Errorf("plain orders pushed: %q", got)
	}
	// The urgent order is first in the grid's queue.
	open, _ := e.store.OpenOrders(ctx, "G1")
	if len(open) != 3 || open[0].ID != "1001" {
		t.Errorf("queue: %v", open)
	}
}

func TestUrgentByItemAndByMark(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	e.say("zhang", "绑定 3栋2单元501")
	e.say("li", "绑定 3栋1单元101")
	if got := e.say("zhang", "硝酸甘油1瓶"); !strings.HasPrefix(got, "急需订单已收到！订单号 1001") {
		t.Errorf("urgent item: %s", got)
	}
	if got := e.say("lead-3", "标记 3-1-101 独居老人"); got != textMarked(orders.Address{Building: "3", Unit: "1", Room: "101"}, []orders.Mark{orders.MarkAlone}) {
		t.Errorf("mark: %s", got)
	}
	got := e.say("li", "蔬菜包1份")
	if !strings.HasPrefix(got, "急需订单已收到！订单号 1002") || strings.Contains(got, "独居") {
		t.Errorf("marked household's order: %s", got)
	}
	ob.Drain(ctx)
	// Paged within moments of each other, the two go as one message.
	got2 := texts(fake, "vol-b")
	if len(got2) != 1 || !strings.HasPrefix(got2[0], "【2条通知】\n\n【急】3栋2单元501 硝酸甘油片1瓶") ||
		!strings.Contains(got2[0], "\n\n【急】3栋1单元101（独居老人）蔬菜包1份") {
		t.Errorf("pushes: %q", got2)
	}
	// Residents never hear of marks.
	for _, u := range []string{"zhang", "li"} {
		for _, s := range texts(fake, u) {
			if strings.Contains(s, "独居") {
				t.Errorf("%s saw a mark: %s", u, s)
			}
		}
	}
	if got := e.say("li", "我的订单"); strings.Contains(got, "独居") {
		t.Errorf("resident's list shows the mark: %s", got)
	}
	// A volunteer's 任务 shows urgency and marks, as the roster job
	// builds it.
	marks, err := e.store.AllMarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	open, _ := e.store.OpenOrders(ctx, "G1")
	slot := time.Date(2026, 11, 24, 13, 0, 0, 0, shanghai)
	ro, _, err := e.store.SaveRoster(ctx, orders.BuildRoster(e.bot.Catalog, "G1", []string{"vol-c"}, open, slot, marks))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range ro.Shares[0].Stops {
		e.store.Assign(ctx, st.OrderID, "vol-c", slot, slot)
	}
	if got := e.say("vol-c", "任务"); !strings.Contains(got, "1. 【急】3栋1单元101（独居老人） 蔬菜包1份，应收50元\n2. 【急】3栋2单元501 硝酸甘油片1瓶，应收12元\n") {
		t.Errorf("任务:\n%s", got)
	}
}

func TestUrgentLeadLineAndNoTeam(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	got := e.say("lead-3", "#接龙 3栋\n1. 孙奶奶 13900001111 3-1-101 布洛芬1盒 急\n2. 3-1-102 鸡蛋1盒")
	if !strings.HasPrefix(got, "急需的1户已马上通知本网格的志愿者：3栋1单元101。\n接龙已登记：共2户") {
		t.Errorf("paste reply:\n%s", got)
	}
	ob.Drain(ctx)
	if got := texts(fake, "vol-a"); len(got) != 1 || !strings.Contains(got[0], "【急】3栋1单元101 布洛芬缓释胶囊1盒\n这户没有微信，电话139****1111") {
		t.Errorf("push of a 接龙 line: %q", got)
	}
	// A re-paste pushes nothing again.
	e.say("lead-3", "#接龙 3栋\n1. 孙奶奶 13900001111 3-1-101 布洛芬1盒 急\n2. 3-1-102 鸡蛋1盒\n3. 3-1-103 鸡蛋1盒")
	ob.Drain(ctx)
	if got := texts(fake, "vol-a"); len(got) != 1 {
		t.Errorf("re-paste pushed again: %q", got)
	}

	// G2 has no volunteers; without its lead nobody is there: the admins
	// hear at once.
	e.bot.Community.Leads = e.bot.Community.Leads[:1]
	e.say("wang", "绑定 6栋1单元101")
	got = e.say("wang", "救命 布洛芬1盒")
	if !strings.Contains(got, "已马上转给社区工作人员安排") {
		t.Errorf("no team reply: %s", got)
	}
	ob.Drain(ctx)
	if got := texts(fake, "admin-1"); len(got) != 1 || !strings.HasPrefix(got[0], "【急·没人可派】G2网格") {
		t.Errorf("admin told: %q", got)
	}
	if done, _ := e.store.Marked(ctx, "escalated:1004"); !done {
		t.Error("the escalation job would tell the admins again")
	}
}

func TestClaimFirstWinsAndResidentTold(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	e.say("zhang", "绑定 3栋2单元501")
	e.say("vol-b", "绑定 5栋1单元302")
	e.say("zhang", "急 布洛芬1盒")
	e.say("zhang", "鸡蛋1盒")

	if got := e.say("vol-b", "领取 1001"); !strings.HasPrefix(got, "好的，订单 1001 交给您了：\n3栋2单元501 布洛芬缓释胶囊1盒\n已告诉住户您在路上。") {
		t.Errorf("first claim: %s", got)
	}
	o, _ := e.store.Order(ctx, "1001")
	if o.Status != orders.StatusAssigned || o.Assignee != "vol-b" || !o.Slot.Equal(e.now) {
		t.Errorf("claimed order: %s %s %v", o.Status, o.Assignee, o.Slot)
	}
	if got := e.say("vol-a", "领取 1001"); got != textClaimTaken(o, "5栋1单元的志愿者") {
		t.Errorf("second claim: %s", got)
	}
	if got := e.say("lead-3", "领取1001"); got != textClaimTaken(o, "5栋1单元的志愿者") {
		t.Errorf("lead's claim: %s", got)
	}
	if got := e.say("vol-b", "领取 1001"); got != textClaimYours(o) {
		t.Errorf("claim twice: %s", got)
	}
	if got := e.say("lead-68", "领取 1001"); got != textClaimNotAllowed {
		t.Errorf("other grid's lead: %s", got)
	}
	if got := e.say("zhang", "领取 1001"); got != textClaimNotAllowed {
		t.Errorf("resident: %s", got)
	}
	if got := e.say("vol-a", "领取 1002"); got != textClaimNotUrgent("1002") {
		t.Errorf("plain order: %s", got)
	}
	if got := e.say("vol-a", "领取 9999"); got != textClaimNotFound("9999") {
		t.Errorf("unknown order: %s", got)
	}
	if got := e.say("vol-a", "领取"); got != textClaimHowTo {
		t.Errorf("bare claim: %s", got)
	}
	ob.Drain(ctx)
	told := texts(fake, "zhang")
	if len(told) != 1 || told[0] != "您的急需订单 1001（布洛芬缓释胶囊1盒）已有人领取：5栋1单元的志愿者正在给您送来，请留意敲门。" {
		t.Errorf("resident told: %q", told)
	}
	if got := e.say("vol-b", "完成 1001"); got != textClaimDone(o, true) {
		t.Errorf("done: %s", got)
	}
	if got := e.say("vol-b", "完成 1001"); got != "订单 1001 已经送到了，不用再送。" {
		t.Errorf("done twice: %s", got)
	}
	ob.Drain(ctx)
	if told := texts(fake, "zhang"); len(told) != 2 || !strings.Contains(told[1], "布洛芬缓释胶囊1盒已放到3栋2单元门口") {
		t.Errorf("delivered notice: %q", told)
	}

	// An unbound claimer is 社区志愿者 to the resident and 另一位志愿者 to
	// the others.
	e.say("zhang", "紧急 布洛芬1盒")
	e.say("vol-a", "领取 1003")
	if got := e.say("vol-b", "领取 1003"); !strings.Contains(got, "已经由另一位志愿者领取了") {
		t.Errorf("unbound holder: %s", got)
	}
	ob.Drain(ctx)
	if told := texts(fake, "zhang"); len(told) != 3 || !strings.Contains(told[2], "社区志愿者正在给您送来") {
		t.Errorf("resident told of an unbound claimer: %q", told)
	}
	// A cancelled urgent order cannot be claimed.
	e.say("zhang", "急 鸡蛋1盒")
	e.say("zhang", "取消 1004")
	if got := e.say("vol-a", "领取 1004"); got != "订单 1004 已经取消了，不用送。" {
		t.Errorf("claim cancelled: %s", got)
	}
}

func TestLeadMarks(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	a := orders.Address{Building: "3", Unit: "2", Room: "501"}
	e.say("zhang", "绑定 3栋2单元501")
	e.say("zhang", "蔬菜包1份")
	for _, tc := range []struct{ who, say, want string }{
		{"zhang", "标记 3-2-501 孕妇", textOnlyLeads},
		{"zhang", "取消标记 3-2-501", textOnlyLeads},
		{"lead-3", "标记 3-2-501 独居老人", textMarked(a, []orders.Mark{orders.MarkAlone})},
		{"lead-3", "标记 3栋2单元501 血透、低保户", textMarked(a, []orders.Mark{orders.MarkAlone, orders.MarkDialysis, orders.MarkLowIncome})},
		{"lead-3", "标记 3-2-501", textMarksOf(a, []orders.Mark{orders.MarkAlone, orders.MarkDialysis, orders.MarkLowIncome})},
		{"lead-3", "标记 3-2-501 富豪", textMarkUnknown([]string{"富豪"})},
		{"lead-3", "标记 5-1-302 孕妇", textNotYourBuilding("5")},
		{"lead-68", "标记 3-2-501 孕妇", textNotYourBuilding("3")},
		{"lead-3", "取消标记 3-2-501 透析", textUnmarked(a, []orders.Mark{orders.MarkDialysis}, []orders.Mark{orders.MarkAlone, orders.MarkLowIncome})},
		{"lead-3", "取消标记 3-2-501 孕妇", textUnmarkNothing(a, true)},
		{"lead-3", "标记 3-1-101 残疾", textMarked(orders.Address{Building: "3", Unit: "1", Room: "101"}, []orders.Mark{orders.MarkDisabled})},
	} {
		if got := e.say(tc.who, tc.say); got != tc.want {
			t.Errorf("%s: %s\n got %s\nwant %s", tc.who, tc.say, got, tc.want)
		}
	}
	if o, _ := e.store.Order(ctx, "1001"); o.Status != orders.StatusPending {
		t.Errorf("取消标记 touched the order: %s", o.Status)
	}
	sum := e.say("lead-3", "汇总")
	if !strings.HasPrefix(sum, "重点关照2户：3栋1单元101（残疾）、3栋2单元501（独居老人、低保）\n3栋的订单：1户 1单") {
		t.Errorf("汇总:\n%s", sum)
	}
	if sum := e.say("lead-68", "汇总"); strings.Contains(sum, "重点") {
		t.Errorf("other lead's 汇总 shows marks of 3栋:\n%s", sum)
	}
	if got := e.say("lead-3", "标记"); !strings.HasPrefix(got, "您负责的楼栋里标记了的住户（2户）：\n3栋1单元101 残疾\n3栋2单元501 独居老人、低保") {
		t.Errorf("bare 标记: %s", got)
	}
	if got := e.say("lead-3", "取消标记 3-2-501"); got != textUnmarked(a, nil, nil) {
		t.Errorf("unmark all: %s", got)
	}
	if got := e.say("lead-3", "取消标记 3-2-501"); got != textUnmarkNothing(a, false) {
		t.Errorf("unmark again: %s", got)
	}
	if ms, _ := e.store.HouseholdMarks(ctx, "3-2-501"); ms != nil {
		t.Errorf("marks left: %v", ms)
	}
}

// TestUrgentPushLatency measures how long an urgent request takes from the
// resident's message to the fake WeChat API accepting the push to a
// volunteer, through the real callback, Redis and a running outbox. It
// reports the figures; it asserts only a generous bound.
func TestUrgentPushLatency(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); ob.Run(ctx) }()
	defer func() { cancel(); <-done }()
	e.say("zhang", "绑定 3栋2单元501")
	e.say("warm", "帮助") // token cached, connections open
	const rounds = 20
	var took []time.Duration
	for i := range rounds {
		// The volunteer writes each round (claims, asks for tasks): WeChat
		// allows five pushes per message they send.
		e.say("vol-a", "任务")
		before := len(fake.SentTo("vol-a"))
		start := time.Now()
		if got := e.say("zhang", "急 布洛芬1盒"); !strings.HasPrefix(got, "急需订单已收到") {
			t.Fatalf("round %d: %s", i, got)
		}
		replied := time.Since(start)
		for len(fake.SentTo("vol-a")) == before {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("round %d: no push to the volunteer after 10 s", i)
			}
			time.Sleep(200 * time.Microsecond)
		}
		sent := fake.SentTo("vol-a")
		took = append(took, sent[len(sent)-1].At.Sub(start))
		if i == 0 {
			t.Logf("first round: reply after %v", replied)
		}
		// Each round is a new household day: stay within the limits.
		if _, err := e.store.CancelOrder(ctx, sent[len(sent)-1].Text[strings.LastIndex(sent[len(sent)-1].Text, " ")+1:], "test", "", time.Now(), nil); err != nil {
			t.Fatal(err)
		}
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	t.Logf("urgent message → volunteer's push accepted by the WeChat API, %d rounds: min %v, median %v, p90 %v, max %v",
		rounds, took[0], took[rounds/2], took[rounds*9/10], took[rounds-1])
	if took[rounds/2] > 5*time.Second {
		t.Errorf("median %v", took[rounds/2])
	}
}

// TestCryForHelpReachesPeople: 救命 about something not in the catalog is
// passed on as written, not refused (a review found a cold refusal).
func TestCryForHelpReachesPeople(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ob, fake := e.withOutbox(t)
	e.bot.Community.Grids[0].Volunteers = []string{"vol-a"}
	e.wrote("vol-a", "lead-3")
	e.say("zhang", "绑定 3栋2单元501")
	if got := e.say("zhang", "救命 我爸心脏病药吃完了"); got != textHelpPassed(urgent.Team, nil, "") {
		t.Errorf("reply: %q", got)
	}
	ob.Drain(ctx)
	for _, u := range []string{"vol-a", "lead-3"} {
		if sent := fake.SentTo(u); len(sent) != 1 || !strings.Contains(sent[0].Text, "我爸心脏病药吃完了") {
			t.Errorf("%s told: %+v", u, sent)
		}
	}
	// Right after, the same words without 救命 are the same cry: nobody
	// is paged again. From a household that did not cry, no emergency.
	if got := e.say("zhang", "我爸心脏病药吃完了"); strings.Contains(got, "已马上转告") {
		t.Errorf("the same words paged again: %q", got)
	}
	ob.Drain(ctx)
	if sent := fake.SentTo("vol-a"); len(sent) != 1 {
		t.Errorf("vol-a told %d times: %+v", len(sent), sent)
	}
	e.say("li", "绑定 3栋2单元601")
	if got := e.say("li", "我爸心脏病药吃完了"); strings.Contains(got, "转告") {
		t.Errorf("without 急 words it is not an emergency: %q", got)
	}
}
