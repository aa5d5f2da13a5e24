package bot

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// A shortfall is planned from the day's orders, then cut order by order:
// whatever people do in between (a cancel, a delivery, a second report,
// a changed list) must not make it cut a closed order, give a limit back
// twice, or cut twice for the same units. The interleavings are forced:
// the households' marks are read after the orders and before the first
// cut, and there the test lets someone else send a message.

// between runs hook once, where a shortfall report has read the day's
// orders and has not cut yet.
type between struct {
	actions.HouseholdStore
	ran  atomic.Bool // not a sync.Once: the hook's own report passes by
	hook func()
}

func (b *between) AllMarks(ctx context.Context) (map[string][]orders.Mark, error) {
	if !b.ran.Swap(true) {
		b.hook()
	}
	return b.HouseholdStore.AllMarks(ctx)
}

// meanwhile makes user send text inside the next shortfall report,
// between its plan and its cuts; the answer is there once it ran. (No
// t.Fatal in there: it runs in the server's goroutine.)
func (e *env) meanwhile(user, text string) *string {
	var answer string
	e.bot.Actions.Households = &between{HouseholdStore: e.store, hook: func() { answer = e.say(user, text) }}
	return &answer
}

// contains fails unless got holds every want.
func contains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// open counts the units of sku in household's orders still to deliver.
func (e *env) open(t *testing.T, household, sku string) int {
	t.Helper()
	n := 0
	for _, o := range e.householdOrders(t, household) {
		if o.Status.Open() || o.Status == orders.StatusAwaitingRx {
			for _, l := range o.Lines {
				if l.SKU == sku {
					n += l.Qty
				}
			}
		}
	}
	return n
}

// TestShortfallSkipsADeliveredOrder: the lead delivers the order the plan
// chose before it is cut: it stays delivered, whole, and the next order
// goes without instead.
func TestShortfallSkipsADeliveredOrder(t *testing.T) {
	e := newEnv(t, nil)
	e.packing(t)
	e.orderAs(t, "li", "3栋2单元502", "布洛芬1盒", "下单成功")
	latest := e.orderAs(t, "zhang", "3栋2单元501", "布洛芬1盒", "下单成功")
	delivered := e.meanwhile("lead-3", "送达 "+latest.ID)
	e.mustSay(t, pharmacist, "缺货 布洛芬 1", "已登记", "已从1单里去掉")
	contains(t, "送达 meanwhile", *delivered, "1户 1单")
	if got := e.newest(t, "3-2-501"); got.Status != orders.StatusDelivered || len(got.Lines) != 1 || len(got.Cut) != 0 {
		t.Errorf("the delivered order: %s, lines %v, cut %v", got.Status, got.Lines, got.Cut)
	}
	if got := e.newest(t, "3-2-502"); got.Status != orders.StatusCancelled || len(got.Cut) != 1 {
		t.Errorf("the order that goes without instead: %s, cut %v", got.Status, got.Cut)
	}
}

// TestShortfallAfterACancelGivesTheLimitBackOnce: the resident cancels
// the order the plan chose: the cut goes to an order still to deliver,
// and the household's limit comes back once, not twice.
func TestShortfallAfterACancelGivesTheLimitBackOnce(t *testing.T) {
	e := newEnv(t, nil)
	e.packing(t)
	e.orderAs(t, "li", "3栋2单元502", "布洛芬1盒", "下单成功")
	e.orderAs(t, "zhang", "3栋2单元501", "布洛芬1盒", "下单成功")
	e.mustSay(t, "zhang", "布洛芬1盒", "下单成功") // the limit is two a day
	latest := e.newest(t, "3-2-501")
	cancelled := e.meanwhile("zhang", "取消 "+latest.ID)
	e.mustSay(t, pharmacist, "缺货 布洛芬 1", "已登记")
	contains(t, "取消 meanwhile", *cancelled, "已取消订单")
	if got, _ := e.store.Order(context.Background(), latest.ID); len(got.Cut) != 0 {
		t.Errorf("the cancelled order was cut too: %+v", got.Cut)
	}
	// Whatever the household may order now, it never holds more than
	// its limit.
	e.say("zhang", "布洛芬2盒")
	if n := e.open(t, "3-2-501", "MED-IBU"); n > 2 {
		t.Errorf("3-2-501 holds %d boxes to deliver, the limit is 2", n)
	}
}

// TestTwoShortfallReportsCutOnce: the same report sent twice at once
// (two phones, or the supplier and staff) cuts once.
func TestTwoShortfallReportsCutOnce(t *testing.T) {
	e := newEnv(t, nil)
	e.packing(t)
	e.orderAs(t, "zhang", "3栋2单元501", "布洛芬2盒", "下单成功")
	second := e.meanwhile(pharmacist, "缺货 布洛芬 1")
	first := e.say(pharmacist, "缺货 布洛芬 1")
	if !strings.Contains(first+*second, "已从1单里去掉") {
		t.Errorf("neither report cut:\n%s\n%s", first, *second)
	}
	if got := e.newest(t, "3-2-501"); got.Status != orders.StatusPending || orders.Goods(got.Lines) != "布洛芬缓释胶囊1盒" {
		t.Errorf("after two reports of 1: %s %s (cut %v)", got.Status, orders.Goods(got.Lines), got.Cut)
	}
	if f, err := e.store.Shortfall(context.Background(), orders.Day(e.now, shanghai), "MED-IBU"); err != nil || f.Qty != 1 {
		t.Errorf("recorded shortfall: %+v %v", f, err)
	}
}

// TestShortfallRecordsWhatItTook: the lead's list shrinks the order the
// plan chose to cut two from: one is taken from it, the other from the
// next order, and the record says two.
func TestShortfallRecordsWhatItTook(t *testing.T) {
	e := newEnv(t, nil)
	e.packing(t)
	e.orderAs(t, "li", "3栋2单元502", "布洛芬2盒", "下单成功")
	e.mustSay(t, "lead-3", "3-2-501 布洛芬2盒", "共1户")
	changed := e.meanwhile("lead-3", "3-2-501 布洛芬1盒")
	e.mustSay(t, pharmacist, "缺货 布洛芬 2", "已登记")
	contains(t, "the list changed meanwhile", *changed, "共1户")
	left := e.open(t, "3-2-501", "MED-IBU") + e.open(t, "3-2-502", "MED-IBU")
	if left != 1 {
		t.Errorf("%d boxes left to deliver of 3, want 1 after a shortfall of 2", left)
	}
	if f, _ := e.store.Shortfall(context.Background(), orders.Day(e.now, shanghai), "MED-IBU"); f.Qty != 2 {
		t.Errorf("recorded shortfall %d, want 2", f.Qty)
	}
	e.mustSay(t, pharmacist, "缺货 布洛芬 2", "和之前登记的一样，没有改动")
}

// TestTasksAfterAShortfall: a volunteer's 任务 shows each stop's goods as
// they are after a shortfall, and a stop cut to nothing as cancelled,
// not delivered.
func TestTasksAfterAShortfall(t *testing.T) {
	e := newEnv(t, nil)
	e.packing(t)
	e.orderAs(t, "zhang", "3栋2单元501", "布洛芬2盒 蔬菜包1份", "下单成功")
	e.orderAs(t, "li", "3栋2单元502", "布洛芬1盒", "下单成功")
	e.rosterFor(t, "vol-a", time.Date(2026, 11, 24, 13, 0, 0, 0, shanghai))
	e.mustSay(t, "vol-a", "任务", "3栋2单元501 布洛芬缓释胶囊2盒、蔬菜包1份", "3栋2单元502 布洛芬缓释胶囊1盒")
	// li's order (the latest) goes, then one of zhang's two boxes.
	e.mustSay(t, pharmacist, "缺货 布洛芬 2", "已从2单里去掉")
	got := e.mustSay(t, "vol-a", "任务", "共2户，还剩1户", "3栋2单元501 布洛芬缓释胶囊1盒、蔬菜包1份", "3栋2单元502 布洛芬缓释胶囊1盒（已取消，不用送）")
	if strings.Contains(got, "已送") {
		t.Errorf("a cancelled stop shown as delivered:\n%s", got)
	}
}

// TestShortfallTooBig: a shortfall no day can have (a typo) is answered
// in words, not 系统繁忙.
func TestShortfallTooBig(t *testing.T) {
	e := newEnv(t, nil)
	e.packing(t)
	got := e.mustSay(t, pharmacist, "缺货 布洛芬 10000", "太多了", "没有登记")
	if strings.Contains(got, "系统繁忙") {
		t.Errorf("answered busy: %q", got)
	}
}
