package bot

import (
	"strings"
	"testing"
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
