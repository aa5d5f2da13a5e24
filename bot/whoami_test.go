package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/baogong/baogong/orders"
)

// TestWhoAmI: anyone who asks 我是谁 (or 我的编号, however written) hears
// their openid; people with roles hear which; nothing is written.
func TestWhoAmI(t *testing.T) {
	e := newEnv(t, nil)
	e.bot.Community.Admins = []string{"staff-1"}
	e.bot.Community.Grids[0].Volunteers = []string{"lead-3"}
	e.say("u-zhang", "绑定 3栋2单元501")
	for _, c := range []struct {
		who, text string
		want, not []string
	}{
		{"u-new", "我是谁", []string{"您的编号（openid）是：\nu-new\n"}, []string{"您在", "绑定的地址"}},
		{"u-new", "我是谁？", []string{"\nu-new\n"}, nil},
		{"u-new", "我的编号", []string{"\nu-new\n"}, nil},
		{"u-new", "我的 ID", []string{"\nu-new\n"}, nil},
		{"u-new", "我是誰?", []string{"\nu-new\n"}, nil},
		{"u-new", "OpenID", []string{"\nu-new\n"}, nil},
		{"u-zhang", "我是谁", []string{"\nu-zhang\n", "您家绑定的地址：3栋2单元501"}, []string{"您在"}},
		{"lead-3", "我的编号", []string{"\nlead-3\n", "您在幸福社区是：楼栋长（3栋）、志愿者（G1网格）"}, nil},
		{"staff-1", "我是谁", []string{"\nstaff-1\n", "社区工作人员"}, nil},
	} {
		got := e.say(c.who, c.text)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %q: %q lacks %q", c.who, c.text, got, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("%s %q: %q has %q", c.who, c.text, got, n)
			}
		}
	}
	// Not an order: nothing was placed for u-zhang.
	list, err := e.store.HouseholdOrders(context.Background(), orders.Address{Building: "3", Unit: "2", Room: "501"}.Household(), 10)
	if err != nil || len(list) != 0 {
		t.Errorf("orders after 我是谁: %v %v", list, err)
	}
}
