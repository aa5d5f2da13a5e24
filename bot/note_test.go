package bot

import (
	"context"
	"strings"
	"testing"
)

// TestNotesReachTheVolunteer: a remark beside the goods is kept on the
// order (never read as goods), told back to the resident, and shown in
// the lead's 汇总; a 接龙 line's remark too.
func TestNotesReachTheVolunteer(t *testing.T) {
	e := newEnv(t, nil)
	e.say("zhang", "绑定 3栋2单元501")
	got := e.say("zhang", "蔬菜包1份 不要香菜")
	if !strings.HasPrefix(got, "下单成功") || !strings.Contains(got, "备注：不要香菜") {
		t.Fatalf("order with a remark: %q", got)
	}
	e.say("lead-3", "#接龙 3栋\n1. 3栋1单元1801 鸡蛋1盒 放门口就行\n2. 3-1-102 蔬菜包1份")
	list, err := e.store.HouseholdOrders(context.Background(), "3-1-1801", 5)
	if err != nil || len(list) != 1 || list[0].Note != "放门口就行" || len(list[0].Lines) != 1 {
		t.Fatalf("the 接龙 line's order: %+v %v", list, err)
	}
	sum := e.say("lead-3", "汇总")
	if !strings.Contains(sum, "不要香菜") || !strings.Contains(sum, "放门口就行") {
		t.Errorf("汇总 without the remarks: %q", sum)
	}
}
