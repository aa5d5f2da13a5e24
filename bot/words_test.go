package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/baogong/baogong/orders"
)

// TestWordsResidentsUse: quantities before the item, Chinese-numeral
// units and rooms, a question about what there is, a typo answered with
// a suggestion, and 同上 in a 接龙.
func TestWordsResidentsUse(t *testing.T) {
	e := newEnv(t, nil)
	if got := e.say("wang", "绑定 3栋二单元六〇一"); !strings.HasPrefix(got, "已绑定：3栋2单元601") {
		t.Errorf("Chinese-numeral room: %q", got)
	}
	if got := e.say("wang", "2份蔬菜包"); !strings.HasPrefix(got, "下单成功") || !strings.Contains(got, "蔬菜包 2份") {
		t.Errorf("quantity first: %q", got)
	}
	if got := e.say("wang", "挂面 1 袋"); !strings.Contains(got, "挂面 1袋") || strings.Contains(got, "备注") {
		t.Errorf("a unit after a space is no remark: %q", got)
	}
	if got := e.say("wang", "能不能送点菜？"); !strings.HasPrefix(got, textWhatWeHave) || !strings.Contains(got, "蔬菜包") {
		t.Errorf("a question: %q", got)
	}
	if got := e.say("wang", "疏菜包1份"); !strings.Contains(got, "没有找到：疏菜包") || !strings.Contains(got, "您是不是要：蔬菜包") {
		t.Errorf("a typo: %q", got)
	}
	got := e.say("lead-3", "#接龙 3栋\n1. 3-1-101 蔬菜包1份 鸡蛋1盒\n2. 3-1-102 同上")
	if !strings.Contains(got, "新下单2户") {
		t.Errorf("同上: %q", got)
	}
}

// TestQuestionsAboutGoodsOrderNothing: a resident asking whether there are
// eggs, what they cost or when they come is answered (price, whether any
// are left, how to order, where to see the delivery) and nothing is
// ordered; a polite order with its quantity (可以买两盒鸡蛋吗) is an order.
func TestQuestionsAboutGoodsOrderNothing(t *testing.T) {
	e := newEnv(t, nil)
	e.mustSay(t, "wang", "绑定 3栋2单元601", "已绑定")
	if err := e.store.SetStock(context.Background(), map[string]int{"MILK": 0}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"还有鸡蛋吗", []string{"鸡蛋 30元/盒", "这次没有下单", "鸡蛋1盒"}},
		{"鸡蛋还有吗？", []string{"鸡蛋 30元/盒", "这次没有下单"}},
		{"有鸡蛋吗", []string{"鸡蛋 30元/盒", "这次没有下单"}},
		{"鸡蛋多少钱", []string{"鸡蛋 30元/盒", "这次没有下单"}},
		{"大米多少钱一袋", []string{"大米 45元/袋", "这次没有下单"}},
		{"牛奶有没有", []string{"牛奶", "已卖完", "这次没有下单"}},
		{"能帮我买鸡蛋吗", []string{"鸡蛋 30元/盒", "这次没有下单", "鸡蛋1盒"}},
		{"鸡蛋什么时候到", []string{"这次没有下单", "我的订单"}},
		{"我家的蔬菜包什么时候送来", []string{"这次没有下单", "我的订单"}},
	} {
		got := e.say("wang", tc.text)
		contains(t, tc.text, got, tc.want...)
		if strings.Contains(got, "下单成功") {
			t.Errorf("%q ordered:\n%s", tc.text, got)
		}
	}
	for _, said := range []string{"还有鸡蛋吗", "鸡蛋多少钱"} {
		if got := e.speak("wang", said); !strings.Contains(got, "这次没有下单") || strings.Contains(got, "下单成功") {
			t.Errorf("said %q:\n%s", said, got)
		}
	}
	if list := e.householdOrders(t, "3-2-601"); len(list) != 0 {
		t.Fatalf("questions placed %d orders: %+v", len(list), list)
	}
	// Polite orders, with their quantities.
	for _, tc := range [][2]string{{"可以买两盒鸡蛋吗", "鸡蛋 2盒"}, {"能帮我买一袋大米吗", "大米 1袋"}, {"麻烦送一袋挂面 谢谢", "挂面 1袋"}} {
		if got := e.mustSay(t, "wang", tc[0], "下单成功", tc[1]); strings.Contains(got, "备注") {
			t.Errorf("%q: the polite words are kept as a remark:\n%s", tc[0], got)
		}
	}
}

// TestCancelAsResidentsWriteIt: 取消1001号订单, 取消订单号1001, 撤消 1001
// and 取消 1001 谢谢 cancel order 1001; two numbers at once cancel
// nothing and say so.
func TestCancelAsResidentsWriteIt(t *testing.T) {
	for _, text := range []string{"取消1001号订单", "取消订单号：1001", "撤消 1001", "取消 1001 谢谢", "取消第１００１号", "取消1001 有事打我电话13812345678", "帮我取消1001", "麻烦，取消订单1001", "我要取消1001号"} {
		t.Run(text, func(t *testing.T) {
			e := newEnv(t, nil)
			e.mustSay(t, "wang", "绑定 3栋2单元601", "已绑定")
			e.mustSay(t, "wang", "蔬菜包1份", "订单号 1001")
			e.mustSay(t, "wang", text, "已取消订单 1001")
		})
	}
	e := newEnv(t, nil)
	e.mustSay(t, "wang", "绑定 3栋2单元601", "已绑定")
	e.mustSay(t, "wang", "蔬菜包1份", "订单号 1001")
	e.mustSay(t, "wang", "鸡蛋1盒", "订单号 1002")
	e.mustSay(t, "wang", "取消 1001 1002", "这次没有取消", "取消 1001", "取消 1002")
	e.mustSay(t, "wang", "取消 3-2-1201", "请告诉我要取消哪个订单") // a door, no order number
	for _, o := range e.householdOrders(t, "3-2-601") {
		if o.Status == orders.StatusCancelled {
			t.Errorf("order %s cancelled", o.ID)
		}
	}
}

// TestThanksAreAnsweredKindly: 谢谢, 辛苦了 and a thumbs-up are answered
// with what the sender can do, not 没看懂; nothing is ordered.
func TestThanksAreAnsweredKindly(t *testing.T) {
	e := newEnv(t, nil)
	contains(t, "thanks before binding", e.say("wang", "谢谢！"), "不客气", "绑定")
	e.mustSay(t, "wang", "绑定 3栋2单元601", "已绑定")
	for _, text := range []string{"谢谢", "谢谢你们🙏", "辛苦了", "感谢！", "👍"} {
		got := e.say("wang", text)
		contains(t, text, got, "不客气", "蔬菜包2份")
		if strings.Contains(got, "没看懂") {
			t.Errorf("%q: %q", text, got)
		}
	}
	if list := e.householdOrders(t, "3-2-601"); len(list) != 0 {
		t.Errorf("thanks ordered: %+v", list)
	}
}

// TestQuantityAfterTheGoods: 鸡蛋要两盒, 鸡蛋：2盒 and 有鸡蛋吗 我要2盒 say
// how many after the goods; each ordered one (the 2 dropped without a
// word, or the question answered and nothing ordered). Two goods before
// one quantity are asked about by name.
func TestQuantityAfterTheGoods(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"鸡蛋要两盒，大米要一袋", "鸡蛋 2盒"},
		{"鸡蛋：2盒", "鸡蛋 2盒"},
		{"蔬菜包 来两份", "蔬菜包 2份"},
		{"有鸡蛋吗 我要2盒", "鸡蛋 2盒"},
		{"麻烦问下蔬菜包还有吗 要2份", "蔬菜包 2份"},
		{"能送鸡蛋吗？我要2盒", "鸡蛋 2盒"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			e := newEnv(t, nil)
			e.mustSay(t, "wang", "绑定 3栋2单元601", "已绑定")
			e.mustSay(t, "wang", tc.text, "下单成功", tc.want)
		})
	}
	e := newEnv(t, nil)
	e.mustSay(t, "wang", "绑定 3栋2单元601", "已绑定")
	e.mustSay(t, "wang", "蔬菜包 鸡蛋 要2份", "看不出", "蔬菜包", "鸡蛋")
	if list := e.householdOrders(t, "3-2-601"); len(list) != 0 {
		t.Errorf("an unclear quantity ordered: %+v", list)
	}
}

// TestGoodsNotWanted: 鸡蛋不要了 and 大米1袋 不要鸡蛋 each ordered a box of
// eggs (备注：不); they now order nothing and say how to cancel the order
// already placed, or to order the rest alone.
func TestGoodsNotWanted(t *testing.T) {
	e := newEnv(t, nil)
	e.mustSay(t, "wang", "绑定 3栋2单元601", "已绑定")
	e.mustSay(t, "wang", "鸡蛋1盒", "订单号 1001")
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"鸡蛋不要了", []string{"不要鸡蛋", "这次没有下单", "取消 1001"}},
		{"鸡蛋 不用了", []string{"不要鸡蛋", "这次没有下单"}},
		{"不要鸡蛋了 要大米1袋", []string{"不要鸡蛋", "这次没有下单", "大米1袋"}},
		{"大米1袋 不要鸡蛋", []string{"不要鸡蛋", "这次没有下单", "大米1袋"}},
	} {
		got := e.mustSay(t, "wang", tc.text, tc.want...)
		if strings.Contains(got, "下单成功") {
			t.Errorf("%q ordered:\n%s", tc.text, got)
		}
	}
	if list := e.householdOrders(t, "3-2-601"); len(list) != 1 || list[0].Status != orders.StatusPending {
		t.Errorf("orders: %+v", list)
	}
	// A remark is no refusal: the 蔬菜包 is ordered.
	e.mustSay(t, "wang", "蔬菜包1份 不要香菜", "下单成功", "蔬菜包 1份", "不要香菜")
}

// TestLeadLineThatAsks: a lead's line for a household, or a 接龙 entry,
// that asks about goods (鸡蛋多少钱, 还有牛奶吗) ordered a box for that
// household; it is now named as not registered.
func TestLeadLineThatAsks(t *testing.T) {
	e := newEnv(t, nil)
	e.mustSay(t, "lead-3", "3-1-107 鸡蛋多少钱", "问的是价钱")
	e.mustSay(t, "lead-3", "#接龙 3栋\n1. 3-1-101 蔬菜包1份\n2. 3-1-102 还有牛奶吗", "新下单1户", "第2条：问的是价钱")
	for _, h := range []string{"3-1-107", "3-1-102"} {
		if list := e.householdOrders(t, h); len(list) != 0 {
			t.Errorf("%s: a question ordered %+v", h, list)
		}
	}
}
