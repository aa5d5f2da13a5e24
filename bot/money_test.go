package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

// Money through the real callback: the review of issue 22's work found
// each of these; every test fails on the code before its fix.

// queued returns the ids of the orders waiting in grid's queue (what the
// roster job puts on a round).
func (e *env) queued(t *testing.T, grid string) []string {
	t.Helper()
	open, err := e.store.OpenOrders(context.Background(), grid)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range open {
		ids = append(ids, o.ID)
	}
	return ids
}

// TestPaidBeforeThePhotoStillDelivered: a prescription order paid (or
// said paid) before its photo stays in its grid's queue, so it reaches a
// roster once the photo came.
func TestPaidBeforeThePhotoStillDelivered(t *testing.T) {
	e := newEnv(t, nil)
	e.say("rx-1", "绑定 3栋1单元101")
	e.say("rx-2", "绑定 3栋1单元102")
	e.say("rx-3", "绑定 3栋1单元103")
	for _, u := range []string{"rx-1", "rx-2", "rx-3"} {
		if got := e.say(u, "胰岛素1支"); !strings.Contains(got, "处方药") {
			t.Fatalf("%s's order: %q", u, got)
		}
	}
	one, three := e.newest(t, "3-1-101"), e.newest(t, "3-1-103")
	if got := e.say("rx-1", "已付款 "+one.ID); !strings.Contains(got, "待确认") {
		t.Fatalf("已付款: %q", got)
	}
	if got := e.say("lead-3", "已收款 3-1-103"); !strings.Contains(got, "已记下收款：1单") {
		t.Fatalf("已收款: %q", got)
	}
	for i, u := range []string{"rx-1", "rx-2", "rx-3"} {
		e.image(u, "http://mmbiz.qpic.cn/rx/"+u+".jpg", "media-"+u)
		if o := e.newest(t, "3-1-10"+string(rune('1'+i))); o.Status != orders.StatusPending {
			t.Fatalf("%s's order after the photo: %s", u, o.Status)
		}
	}
	q := e.queued(t, "G1")
	for _, id := range []string{one.ID, e.newest(t, "3-1-102").ID, three.ID} {
		if !slices.Contains(q, id) {
			t.Errorf("order %s is not in G1's queue %v: no roster will ever carry it", id, q)
		}
	}
}

// auditLog is the community's audit log as the console reads it.
type auditLog struct {
	t *testing.T
	k *staff.Keeper
}

// withAudit gives the env's actions the real audit log.
func (e *env) withAudit(t *testing.T) auditLog {
	k := staff.New(e.rdb, e.community)
	e.bot.Actions.Audit = k
	return auditLog{t, k}
}

func (l auditLog) entries() []staff.Entry {
	l.t.Helper()
	es, err := l.k.Entries(context.Background(), 0, 1000)
	if err != nil {
		l.t.Fatal(err)
	}
	return es
}

// count counts the entries of action about target.
func (l auditLog) count(action, target string) int {
	n := 0
	for _, e := range l.entries() {
		if e.Action == action && e.Target == target {
			n++
		}
	}
	return n
}

func (l auditLog) String() string { return fmt.Sprint(l.entries()) }

// packing marks today's pick list sent, as the pick-list job does: a
// supplier's 缺货 is about the day being packed.
func (e *env) packing(t *testing.T) {
	t.Helper()
	if _, err := e.store.MarkOnce(context.Background(), jobs.PicklistMark(orders.Day(e.now, shanghai))); err != nil {
		t.Fatal(err)
	}
}

// orderAs binds user to door (3栋2单元501) and orders text, whose answer
// must hold want, and returns the household's newest order.
func (e *env) orderAs(t *testing.T, user, door, text, want string) orders.Order {
	t.Helper()
	e.mustSay(t, user, "绑定 "+door, "已绑定")
	e.mustSay(t, user, text, want)
	a, ok := orders.FindAddress(door, nil)
	if !ok {
		t.Fatalf("no door in %q", door)
	}
	return e.newest(t, a.Address.Household())
}

// mustSay sends text from user and fails unless the answer holds every
// want.
func (e *env) mustSay(t *testing.T, user, text string, want ...string) string {
	t.Helper()
	got := e.say(user, text)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("%s: %q\nanswer lacks %q:\n%s", user, text, w, got)
		}
	}
	return got
}

// TestPaidOrderThatChanges: an order paid for, then grown by the lead's
// list (or a new 急 joining it), owes the difference; shrunk, the
// difference is owed back; each change is in the audit log.
func TestPaidOrderThatChanges(t *testing.T) {
	e := newEnv(t, nil)
	audit := e.withAudit(t)
	e.mustSay(t, "zhang", "绑定 3栋2单元501", "已绑定")
	e.mustSay(t, "lead-3", "3-2-501 蔬菜包1份", "共1户")
	o := e.newest(t, "3-2-501")
	e.mustSay(t, "lead-3", "已收款 3-2-501", "已记下收款：1单，共50元")
	e.mustSay(t, "lead-3", "3-2-501 蔬菜包2份", "共1户")
	if got := e.newest(t, "3-2-501"); got.ID != o.ID || got.TotalFen != 10000 || got.Owed() != 5000 || got.Pay.Status != orders.PayUnpaid {
		t.Fatalf("grown after paying: total %d, owes %d, %s", got.TotalFen, got.Owed(), got.Pay.Status)
	}
	e.mustSay(t, "zhang", "我的订单", o.ID, "已付50元，还差50元")
	e.mustSay(t, "lead-3", "已收款 3-2-501", "已记下收款：1单，共50元")
	e.mustSay(t, "zhang", "我的订单", "100元 已付")
	// Shrunk: 50元 owed back, given back once.
	e.mustSay(t, "lead-3", "3-2-501 蔬菜包1份", "共1户")
	e.mustSay(t, "zhang", "我的订单", "待退50元")
	e.mustSay(t, "lead-3", "已退款 "+o.ID, "退给住户50元")
	e.mustSay(t, "lead-3", "已退款 "+o.ID, "没有要退的钱")
	if n := audit.count("订单变了，钱要多退少补", o.ID); n != 2 {
		t.Errorf("the two changes of a paid order audited %d times: %v", n, audit.entries())
	}

	// 急 joining a paid urgent order.
	u := e.orderAs(t, "li", "3栋2单元502", "急 牛奶1箱", "急需订单")
	e.mustSay(t, "lead-3", "已收款 3-2-502", "共60元")
	e.mustSay(t, "li", "急 鸡蛋1盒", "已加到正在处理的急需订单 "+u.ID)
	if got := e.newest(t, "3-2-502"); got.TotalFen != 9000 || got.Owed() != 3000 {
		t.Errorf("urgent order joined after paying: total %d, owes %d (%s)", got.TotalFen, got.Owed(), got.Pay.Status)
	}
	e.mustSay(t, "li", "我的订单", "已付60元，还差30元")
}

// TestCancellingAPaidOrderOwesItBack: a paid order cancelled (by the
// household, or a prescription refused) owes its money back.
func TestCancellingAPaidOrderOwesItBack(t *testing.T) {
	e := newEnv(t, nil)
	o := e.orderAs(t, "zhang", "3栋2单元501", "蔬菜包1份", "下单成功")
	e.mustSay(t, "lead-3", "已收款 3-2-501", "共50元")
	e.mustSay(t, "zhang", "取消 "+o.ID, "已取消订单 "+o.ID, "已付的50元会退给您")
	e.mustSay(t, "zhang", "我的订单", "待退50元")
	e.mustSay(t, "lead-3", "已退款 "+o.ID, "退给住户50元")
	e.mustSay(t, "zhang", "我的订单", "已退50元")

	rx := e.orderAs(t, "li", "3栋2单元502", "胰岛素1支", "处方药")
	e.mustSay(t, "lead-3", "已收款 3-2-502", "共68元")
	e.mustSay(t, "lead-3", "审核 "+rx.ID+" 驳回 处方过期了", "驳回")
	e.mustSay(t, "li", "我的订单", "待退68元")
}

// TestCutAfterARefund: a cut owes money back from an order paid and
// partly given back already.
func TestCutAfterARefund(t *testing.T) {
	e := newEnv(t, nil)
	o := e.orderAs(t, "zhang", "3栋2单元501", "布洛芬2盒", "下单成功")
	e.packing(t)
	// Paid for two, one cut, refunded, the other cut: 28元 owed again.
	e.mustSay(t, "lead-3", "已收款 3-2-501", "共56元")
	e.mustSay(t, pharmacist, "缺货 布洛芬 1", "已登记")
	e.mustSay(t, "lead-3", "已退款 "+o.ID, "退给住户28元")
	e.mustSay(t, pharmacist, "缺货 布洛芬 2", "已登记")
	got := e.newest(t, "3-2-501")
	if got.Status != orders.StatusCancelled || got.Pay.Status != orders.PayRefundDue || got.Pay.RefundFen != 2800 {
		t.Fatalf("cut after a refund: %s, %s owed back %d", got.Status, got.Pay.Status, got.Pay.RefundFen)
	}
	e.mustSay(t, "zhang", "我的订单", "待退28元")
	e.mustSay(t, "lead-3", "已退款 "+o.ID, "退给住户28元")
}

// TestCutOfAnOrderSaidPaid: an order said paid (待确认) keeps what the
// household transferred through a cut: confirmed, the difference is owed
// back.
func TestCutOfAnOrderSaidPaid(t *testing.T) {
	e := newEnv(t, nil)
	audit := e.withAudit(t)
	e.packing(t)
	// Said paid (the resident transferred 56元), then one box cut: the
	// lead confirms what was transferred, and 28元 is owed back.
	c := e.orderAs(t, "li", "3栋2单元502", "布洛芬2盒", "下单成功")
	e.mustSay(t, "li", "已付款 "+c.ID, "待确认", "56元")
	e.mustSay(t, pharmacist, "缺货 布洛芬 1", "已登记")
	if got := e.newest(t, "3-2-502"); got.TotalFen != 2800 || got.Pay.Status != orders.PayClaimed {
		t.Fatalf("claimed and cut: total %d, %s", got.TotalFen, got.Pay.Status)
	}
	e.mustSay(t, "lead-3", "已收款 3-2-502", "共56元")
	e.mustSay(t, "li", "我的订单", "待退28元")
	if n := audit.count("住户说已付款", c.ID); n != 1 {
		t.Errorf("已付款 audited %d times: %v", n, audit.entries())
	}
}

func TestSplitCollected(t *testing.T) {
	for _, tc := range []struct {
		in  string
		ref string
		fen int64
		ok  bool
	}{
		{"3", "3", 0, true},
		{"3 已收50", "3", 5000, true},
		{"1005 收了50元", "1005", 5000, true},
		{"3 收现金12.5", "3", 1250, true},
		{"3 收了50块", "3", 5000, true},
		{"３ 已收５０", "3", 5000, true},
		{"3 已收款", "3", actions.CollectOwed, true},
		{"3 收到钱了", "3", actions.CollectOwed, true},
		{"3 已收现金", "3", actions.CollectOwed, true},
		{"第3户 收了五十元", "3", 5000, true},
		{"3 收了一半", "3", 0, false},
		// The money's kind after the amount.
		{"2 已收60元现金", "2", 6000, true},
		{"2，收了60块钱", "2", 6000, true},
		{"2 已收60元現金了", "2", 6000, true},
		// Thanks after the amount: the stop was not read (完成 2 已收110元
		// 谢谢 recorded nothing and got the how-to).
		{"2 已收110元 谢谢", "2", 11000, true},
		{"2 收110 👍", "2", 11000, true},
		{"2 收了110元现金。谢谢", "2", 11000, true},
		{"2 已收110元整", "2", 11000, true},
		{"2 收了110 还欠10元", "2  还欠10", 11000, true}, // not read: asked again
	} {
		ref, fen, ok := splitCollected(tc.in)
		if ref != tc.ref || fen != tc.fen || ok != tc.ok {
			t.Errorf("splitCollected(%q) = %q %d %v, want %q %d %v", tc.in, ref, fen, ok, tc.ref, tc.fen, tc.ok)
		}
	}
}

// TestVolunteerRecordsCashAfterAMistake: a volunteer who wrote the wrong
// amount, or delivered first and said the money after, or took the money
// without writing the amount, can record it with 完成; the answers only
// ever suggest what a volunteer may send.
func TestVolunteerRecordsCashAfterAMistake(t *testing.T) {
	e := newEnv(t, nil)
	for i, u := range []string{"r1", "r2", "r3"} {
		e.mustSay(t, u, fmt.Sprintf("绑定 3栋1单元10%d", i+1), "已绑定")
		e.mustSay(t, u, "蔬菜包1份", "下单成功")
	}
	e.rosterFor(t, "vol-a", time.Date(2026, 11, 24, 13, 0, 0, 0, shanghai))
	tasks := e.say("vol-a", "任务")
	stop := func(door string) string {
		for _, line := range strings.Split(tasks, "\n") {
			if strings.Contains(line, door) {
				return strings.TrimSpace(strings.SplitN(line, ".", 2)[0])
			}
		}
		t.Fatalf("no stop for %s in %q", door, tasks)
		return ""
	}
	one, two, three := stop("3栋1单元101"), stop("3栋1单元102"), stop("3栋1单元103")

	// A wrong amount: the answer says what to send, and sending it works.
	wrong := e.mustSay(t, "vol-a", "完成 "+one+" 已收40", "送达", "收款没有记下", "应收50元")
	if strings.Contains(wrong, "已收款 3-1-101") {
		t.Errorf("a volunteer told to send a lead's command:\n%s", wrong)
	}
	e.mustSay(t, "vol-a", "完成 "+one+" 已收50", "已经记过送达了", "已记下收款50元")
	// Delivered first, the money said after.
	e.mustSay(t, "vol-a", "完成 "+two, "送达")
	e.mustSay(t, "vol-a", "完成 "+two+" 已收50", "已经记过送达了", "已记下收款50元")
	e.mustSay(t, "vol-a", "完成 "+two+" 已收50", "不用再收")
	// Money taken, no amount written: what the order costs.
	e.mustSay(t, "vol-a", "完成 "+three+" 已收款", "送达", "已记下收款50元")
	for _, u := range []string{"r1", "r2", "r3"} {
		e.mustSay(t, u, "我的订单", "已付")
	}
}
