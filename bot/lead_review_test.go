package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLeadNamesABuildingThatDoesNotExist: 送达 9栋 (or 取消 9-1-101) in a
// community without building 9 says so and lists the lead's own
// buildings; 送达 5栋, a building of the community that is not the
// lead's, still says it is not theirs.
func TestLeadNamesABuildingThatDoesNotExist(t *testing.T) {
	e := newEnv(t, nil)
	for _, text := range []string{"送达 9栋", "送达 9栋1单元", "送达 9-1-101", "取消 9-1-101"} {
		if got := e.say("lead-68", text); got != textNoSuchBuilding("9", []string{"6", "8"}) {
			t.Errorf("%s: %q", text, got)
		}
	}
	if got := e.say("lead-3", "送达 5栋"); got != textNotYourBuilding("5") {
		t.Errorf("送达 5栋: %q", got)
	}
}

// TestQuantityWrittenApart: x2 蔬菜包, 蔬菜包 数量2 and 蔬菜包 共2份 are
// two packs, from a resident, in a lead's lines and in a 接龙; 蔬菜包
// 鸡蛋 共2件 does not say how many of each, and is refused by name.
func TestQuantityWrittenApart(t *testing.T) {
	e := newEnv(t, nil)
	packs := func(hh string) int {
		t.Helper()
		o := e.newest(t, hh)
		if len(o.Lines) != 1 || o.Lines[0].SKU != "VEG-A" {
			t.Fatalf("%s: %+v", hh, o.Lines)
		}
		return o.Lines[0].Qty
	}
	for i, text := range []string{"x2 蔬菜包", "蔬菜包 数量2", "蔬菜包 共2份"} {
		user, hh := fmt.Sprintf("res-%d", i), fmt.Sprintf("3-2-%d01", i+1)
		e.mustSay(t, user, "绑定 "+hh, "已绑定")
		e.mustSay(t, user, text, "蔬菜包 2份")
		if n := packs(hh); n != 2 {
			t.Errorf("%s: %d packs", text, n)
		}
	}
	e.mustSay(t, "lead-3", "3-1-113 x2 蔬菜包\n3-1-114 蔬菜包 共2份", "共2户")
	e.mustSay(t, "lead-3", "#接龙 3栋团购\n1. 3-1-117 蔬菜包 数量2\n2. 3-1-118 蔬菜包 鸡蛋 共2件",
		"第2条：看不出各要几份，请每样写上数量：蔬菜包、鸡蛋")
	for _, hh := range []string{"3-1-113", "3-1-114", "3-1-117"} {
		if n := packs(hh); n != 2 {
			t.Errorf("%s: %d packs", hh, n)
		}
	}
	if n := openOrdersByHousehold(t, e); n["3-1-118"] != 0 {
		t.Errorf("3-1-118 ordered on an unclear line: %v", n)
	}
	e.mustSay(t, "res-0", "蔬菜包 鸡蛋 共2件", "看不出蔬菜包、鸡蛋各要几份", "这次没有下单")
}

// TestJielongOfAResidentWhoOrderedThemselves: 502 ordered 蔬菜包1份 from
// their own WeChat; the lead's 接龙 has 502 with the same goods, and 503
// (who ordered 鸡蛋 themselves) with other goods. 502 gets no second
// order and the reply names it; 503 gets its list order, named with both
// ids. Pasted again nothing doubles; once 502 cancels their own order,
// the list's line is placed.
func TestJielongOfAResidentWhoOrderedThemselves(t *testing.T) {
	e := newEnv(t, nil)
	e.mustSay(t, "zhang", "绑定 3-2-502", "已绑定")
	e.mustSay(t, "zhang", "蔬菜包1份", "订单号 1001")
	e.mustSay(t, "li", "绑定 3-2-503", "已绑定")
	e.mustSay(t, "li", "鸡蛋1盒", "订单号 1002")
	list := "#接龙 3栋团购\n1. 张 3-2-501 蔬菜包1份\n2. 王 3-2-502 蔬菜包1份\n3. 李 3-2-503 蔬菜包1份"
	e.mustSay(t, "lead-3", list,
		"接龙已登记：共3户", "新下单2户",
		"3栋2单元502 自己已经下了一样的订单1001，这次没有再下",
		"3栋2单元503（自己下的订单1002，新订单1004）")
	if n := openOrdersByHousehold(t, e); n["3-2-501"] != 1 || n["3-2-502"] != 1 || n["3-2-503"] != 2 {
		t.Errorf("orders by household: %v", n)
	}
	// Pasted again: nothing new, 502 still named.
	e.mustSay(t, "lead-3", list, "没变2户", "3栋2单元502 自己已经下了一样的订单1001，这次没有再下")
	if n := openOrdersByHousehold(t, e); n["3-2-502"] != 1 || n["3-2-503"] != 2 {
		t.Errorf("orders by household after a re-paste: %v", n)
	}
	// 502 left out of the list: their own order is theirs, not the list's.
	if got := e.mustSay(t, "lead-3", "#接龙 3栋团购\n1. 张 3-2-501 蔬菜包1份\n3. 李 3-2-503 蔬菜包1份", "没变2户"); strings.Contains(got, "502") {
		t.Errorf("502's own order named by the list:\n%s", got)
	}
	if n := openOrdersByHousehold(t, e); n["3-2-502"] != 1 {
		t.Errorf("502's own order cancelled by the list: %v", n)
	}
	// 502 cancels their own order: the list's line is placed.
	e.mustSay(t, "zhang", "取消 1001", "已取消")
	e.mustSay(t, "lead-3", list, "新下单1户，没变2户")
	if n := openOrdersByHousehold(t, e); n["3-2-502"] != 1 {
		t.Errorf("502 after cancelling their own: %v", n)
	}
	// The list's order is the list's: 502 left out of it is cancelled.
	e.mustSay(t, "lead-3", "#接龙 3栋团购\n1. 张 3-2-501 蔬菜包1份\n3. 李 3-2-503 蔬菜包1份", "不在新接龙里，已取消：3栋2单元502")
}

// TestJielongAfterTheResidentsOwnOrderWasDelivered: 502's own order of
// the same goods held the 接龙's line; it is delivered (or on a
// volunteer's round) before the lead pastes the grown list again. The
// household got its goods: the line places no second order, as a line
// whose list order was delivered places none.
func TestJielongAfterTheResidentsOwnOrderWasDelivered(t *testing.T) {
	for _, step := range []struct{ who, text, want string }{
		{"lead-3", "送达 1001", "1001"},
		{"zhang", "取消 1001", "已取消"},
	} {
		e := newEnv(t, nil)
		e.mustSay(t, "zhang", "绑定 3-2-502", "已绑定")
		e.mustSay(t, "zhang", "蔬菜包1份", "订单号 1001")
		list := "#接龙 3栋团购\n1. 张 3-2-501 蔬菜包1份\n2. 王 3-2-502 蔬菜包1份"
		e.mustSay(t, "lead-3", list, "3栋2单元502 自己已经下了一样的订单1001，这次没有再下")
		e.mustSay(t, step.who, step.text, step.want)
		got := e.mustSay(t, "lead-3", list+"\n3. 李 3-2-503 蔬菜包1份", "接龙已登记")
		want := 1 // delivered: no second order
		if step.who == "zhang" {
			want = 1 // cancelled: the list's line is placed
		}
		if n := openOrdersByHousehold(t, e); n["3-2-502"] != want {
			t.Errorf("after %s: 502 has %d orders, want %d; reply:\n%s", step.text, n["3-2-502"], want, got)
		}
	}
}

// TestJielongHeldOverTheCutoff: a 接龙 pasted in the evening held 504's
// line (their own order of the same goods); re-pasted grown the next
// morning, after the cutoff, it changes none of the closed day's orders,
// and 504 is not ordered again for the next day either.
func TestJielongHeldOverTheCutoff(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.now = time.Date(2026, 11, 24, 18, 30, 0, 0, shanghai)
	e.mustSay(t, "zhang", "绑定 3-2-504", "已绑定")
	e.mustSay(t, "zhang", "蔬菜包1份", "订单号 1001")
	e.now = time.Date(2026, 11, 24, 19, 0, 0, 0, shanghai)
	e.mustSay(t, "lead-3", "#接龙 蔬菜\n1. 3-2-501 蔬菜包1份\n2. 3-2-504 蔬菜包1份", "3栋2单元504 自己已经下了一样的订单1001")
	e.store.CloseDay(ctx, "2026-11-24", e.now.Add(time.Hour)) // the 20:00 cutoff
	e.now = time.Date(2026, 11, 25, 7, 30, 0, 0, shanghai)
	got := e.say("lead-3", "#接龙 蔬菜\n1. 3-2-501 蔬菜包1份\n2. 3-2-504 蔬菜包1份\n3. 3-2-503 牛奶1箱")
	if n := openOrdersByHousehold(t, e); n["3-2-504"] != 1 || n["3-2-501"] != 1 {
		t.Errorf("orders by household: %v; reply:\n%s", n, got)
	}
	if !strings.Contains(got, "3栋2单元504 自己已经下了一样的订单1001，这次没有再下") || !strings.Contains(got, "共3户") {
		t.Errorf("the reply does not name 504's own order:\n%s", got)
	}
}

// TestJielongLineCancelledStaysCancelled: a list's order cancelled by
// someone (the lead's 取消 <id>, as the reply about a second order
// advises; the household's own 取消) is not placed again when the lead
// pastes the grown list with the same line: the reply names it under
// 已送达或已取消. A changed line, or a household the list took out and
// put back (TestRemovedHouseholdComesBack), orders again.
func TestJielongLineCancelledStaysCancelled(t *testing.T) {
	e := newEnv(t, nil)
	e.mustSay(t, "li", "绑定 3-2-503", "已绑定")
	e.mustSay(t, "li", "鸡蛋1盒", "订单号 1001")
	e.mustSay(t, "wang", "绑定 3-2-502", "已绑定")
	list := "#接龙 3栋团购\n1. 张 3-2-501 蔬菜包1份\n2. 王 3-2-502 蔬菜包1份\n3. 李 3-2-503 蔬菜包1份"
	e.mustSay(t, "lead-3", list, "新下单3户", "3栋2单元503（自己下的订单1001，新订单1004）", "取消 1004")
	e.mustSay(t, "lead-3", "取消 1004", "已取消")
	wang := e.householdOrders(t, "3-2-502")
	if len(wang) != 1 {
		t.Fatalf("502: %+v", wang)
	}
	e.mustSay(t, "wang", "取消 "+wang[0].ID, "已取消")
	grown := list + "\n4. 赵 3-2-504 蔬菜包1份"
	e.mustSay(t, "lead-3", grown, "新下单1户", "已送达或已取消，没有改动：3栋2单元502、3栋2单元503")
	if n := openOrdersByHousehold(t, e); n["3-2-502"] != 0 || n["3-2-503"] != 1 || n["3-2-504"] != 1 {
		t.Errorf("open orders by household: %v", n)
	}
	// 502 changes the line: that is a new order.
	e.mustSay(t, "lead-3", strings.Replace(grown, "王 3-2-502 蔬菜包1份", "王 3-2-502 蔬菜包2份", 1), "新下单1户")
	if n := openOrdersByHousehold(t, e); n["3-2-502"] != 1 {
		t.Errorf("502 after its line changed: %v", n)
	}
}
