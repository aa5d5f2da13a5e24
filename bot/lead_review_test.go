package bot

import (
	"fmt"
	"testing"
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
