package bot

import (
	"strings"
	"testing"
)

// groupList is a 接龙 as a lead copies it out of a WeChat group: a title
// and an example above the entries, numbering written three ways, emoji
// in names, doors written four ways, a quantity before the goods after
// the door (3栋2单元505 2份蔬菜包), and one household signed up twice
// (张阿姨's entry 1, then 周's entry 7 for the same door).
const groupList = `#接龙 3栋团购 12月6日
例：3-2-501 蔬菜包1份
1. 张阿姨🌸 3-2-501 蔬菜包2份
2、李叔 3栋2单元502 鸡蛋1盒
③ 王姐 3#2-503 米面油1份
4. 钱 3-1-101
5. 孙 3-1-102 榴莲1个
6. 吴 5-1-301 蔬菜包1份
7. 周 3-2-501 鸡蛋1盒
8. 郑 9-1-101 蔬菜包1份
9. 冯 3栋2单元505 2份蔬菜包`

// TestGroupListNamesItsEntries: every line the paste leaves out is named
// by the number the lead sees in the group (第5条), and so are the two
// entries of one household: the message's line numbers (the title and
// the example are lines 1 and 2) mean nothing to the lead.
func TestGroupListNamesItsEntries(t *testing.T) {
	e := newEnv(t, nil)
	got := e.say("lead-3", groupList)
	for _, want := range []string{
		"接龙已登记：共4户", "新下单4户",
		"第4条：没有写要买什么", "第5条：没有这个商品：榴莲",
		"第6条 5栋1单元301：不是您负责的楼栋", "第8条：本社区没有这个楼栋",
		"第1条和第7条是同一户（3栋2单元501），按第7条登记",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("reply lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "行") {
		t.Errorf("a numbered 接龙's reply names a line by the message's line numbers:\n%s", got)
	}
	if n := openOrdersByHousehold(t, e); n["3-2-501"] != 1 || n["3-2-505"] != 1 || len(n) != 4 {
		t.Errorf("orders by household: %v", n)
	}
	if o := e.newest(t, "3-2-505"); len(o.Lines) != 1 || o.Lines[0].SKU != "VEG-A" || o.Lines[0].Qty != 2 {
		t.Errorf("3栋2单元505 2份蔬菜包: %+v", o.Lines)
	}
}

// TestRepasteUnderAnEditedTitle: the lead re-pastes the list with its
// title edited (another list, by its title). A household whose line is
// unchanged keeps its one order; one whose goods changed gets a second
// order, which the reply names with both ids; the lead cancels the one
// not wanted by its id (取消 1004), unbound as leads often are.
func TestRepasteUnderAnEditedTitle(t *testing.T) {
	e := newEnv(t, nil)
	e.mustSay(t, "lead-3", "#接龙 3栋团购\n1. 张 3-2-501 蔬菜包1份\n2. 李 3-2-502 鸡蛋1盒\n3. 王 3-2-503 牛奶1箱", "新下单3户")
	got := e.mustSay(t, "lead-3", "#接龙 3栋团购（更新）\n1. 张 3-2-501 蔬菜包1份\n2. 李 3-2-502 鸡蛋1盒 挂面1袋\n3. 王 3-2-503 牛奶1箱\n4. 赵 3-2-504 大米1袋",
		"新下单2户，没变2户",
		"这几户今天已有您别的接龙登记的订单，这次又下了一单：3栋2单元502（已有订单1002，新订单1004）")
	if n := openOrdersByHousehold(t, e); n["3-2-501"] != 1 || n["3-2-503"] != 1 || n["3-2-502"] != 2 || n["3-2-504"] != 1 {
		t.Errorf("orders by household after the edited list: %v\n%s", n, got)
	}
	e.mustSay(t, "lead-3", "取消 1002", "已取消3栋2单元502的订单：1002")
	if n := openOrdersByHousehold(t, e); n["3-2-502"] != 1 {
		t.Errorf("3-2-502 has %d orders", n["3-2-502"])
	}
	// The edited list, pasted again, is unchanged: it took the orders over.
	e.mustSay(t, "lead-3", "#接龙 3栋团购（更新）\n1. 张 3-2-501 蔬菜包1份\n2. 李 3-2-502 鸡蛋1盒 挂面1袋\n3. 王 3-2-503 牛奶1箱\n4. 赵 3-2-504 大米1袋", "没变4户")
	// Without 501, the edited list cancels the order it took over.
	e.mustSay(t, "lead-3", "#接龙 3栋团购（更新）\n2. 李 3-2-502 鸡蛋1盒 挂面1袋\n3. 王 3-2-503 牛奶1箱\n4. 赵 3-2-504 大米1袋", "不在新接龙里，已取消：3栋2单元501")
	if n := openOrdersByHousehold(t, e); n["3-2-501"] != 0 {
		t.Errorf("3-2-501 has %d orders", n["3-2-501"])
	}
	// Another lead's order, or a resident's, is not the lead's to cancel by id.
	e.mustSay(t, "lead-68", "6-1-101 蔬菜包1份", "共1户")
	e.mustSay(t, "lead-3", "取消 1006", "没有找到您登记的订单 1006")
}
