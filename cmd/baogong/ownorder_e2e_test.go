package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/baogong/baogong/internal/redistest"
)

// TestJielongOfResidentsWhoOrderedThemselves, against the real binary: a
// resident who ordered 蔬菜包 from their own WeChat is on the lead's
// 接龙 with the same goods: no second order, and the lead is told; pasted
// again, still none; once the resident cancels their own, the list's
// line is placed. A line written 3-2-503 x2 蔬菜包 is two packs.
func TestJielongOfResidentsWhoOrderedThemselves(t *testing.T) {
	s := startService(t, redistest.Shared(t).Addr)
	s.serve()
	if got := s.say(true, "e2e-own-502", "绑定 3-2-502"); !strings.Contains(got, "已绑定") {
		t.Fatalf("bind: %s", got)
	}
	got := s.say(true, "e2e-own-502", "蔬菜包1份")
	own := regexp.MustCompile(`订单号 (\d+)`).FindStringSubmatch(got)
	if own == nil {
		t.Fatalf("own order: %s", got)
	}
	list := "#接龙 3栋今天\n1. 3-2-501 蔬菜包1份\n2. 3-2-502 蔬菜包1份\n3. 3-2-503 x2 蔬菜包"
	held := "3栋2单元502 自己已经下了一样的订单" + own[1] + "，这次没有再下"
	for i, wants := range [][]string{{"共3户", "新下单2户", held, "蔬菜包4份"}, {"共3户", "没变2户", held}} {
		got := s.say(true, "e2e-lead-3", list)
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Fatalf("paste %d lacks %q:\n%s", i+1, want, got)
			}
		}
	}
	// The lead's building has 4 packs to deliver: 501's, 502's own, 503's two.
	if got := s.say(true, "e2e-lead-3", "汇总"); !strings.Contains(got, "蔬菜包4份") {
		t.Errorf("汇总 after two pastes: %s", got)
	}
	if got := s.say(true, "e2e-own-502", "取消 "+own[1]); !strings.Contains(got, "已取消") {
		t.Fatalf("cancel own: %s", got)
	}
	if got := s.say(true, "e2e-lead-3", list); !strings.Contains(got, "新下单1户，没变2户") || strings.Contains(got, "自己已经下了") {
		t.Errorf("paste after the own order is cancelled:\n%s", got)
	}
}
