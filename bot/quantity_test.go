package bot

import (
	"context"
	"strings"
	"testing"
)

// TestQuantitiesThatCannotBeRight sends quantities no one means through
// the callback: each is answered with what looks wrong and how to write
// it, and none orders anything (before, most ordered 1).
func TestQuantitiesThatCannotBeRight(t *testing.T) {
	e := newEnv(t, nil)
	u := "careless"
	e.say(u, "绑定 3栋2单元501")
	for _, tc := range []struct{ text, want string }{
		{"鸡蛋-3盒", "不能是负数"},
		{"鸡蛋 -1", "不能是负数"},
		{"鸡蛋0盒", "数量是0"},
		{"鸡蛋99999999999999999999盒", "数量太多"},
		{"布洛芬1000盒", "数量太多"},
		{"鸡蛋1.5盒", "不能写半份或小数"},
		{"布洛芬半盒", "不能写半份或小数"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			got := e.say(u, tc.text)
			if !strings.Contains(got, tc.want) || !strings.Contains(got, "没有下单") && tc.want != "数量是0" {
				t.Errorf("reply %q, want it to say %q and that nothing was ordered", got, tc.want)
			}
		})
	}
	list, err := e.store.HouseholdOrders(context.Background(), "3-2-501", 10)
	if err != nil || len(list) != 0 {
		t.Fatalf("%d orders placed by impossible quantities (%v)", len(list), err)
	}
	// And an address's dashes are no minus: 3-2-501 still binds.
	if got := e.say("dashes", "3-2-502"); !strings.HasPrefix(got, "已绑定") {
		t.Errorf("3-2-502: %q", got)
	}
}
