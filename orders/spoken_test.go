package orders

import (
	"testing"

	"github.com/baogong/baogong/catalog"
)

func TestHeard(t *testing.T) {
	for in, want := range map[string]string{
		"我要两份蔬菜包。":   "我要两份蔬菜包",
		" 救命！\n":     "救命",
		"是的。":        "是的",
		"。":          "",
		"":           "",
		"嗯，那个，我要两份。": "嗯，那个，我要两份",
	} {
		if got := Heard(in); got != want {
			t.Errorf("Heard(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSpoken(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"trailing stop", "我要两份蔬菜包。", "我要两份蔬菜包"},
		{"question and exclamation", "我的订单？", "我的订单"},
		{"full-width marks", "我的订单！！", "我的订单"},
		{"fillers before", "嗯，那个，我要两份蔬菜包。", "我要两份蔬菜包"},
		{"filler after", "来三盒鸡蛋吧。", "来三盒鸡蛋"},
		{"filler inside", "我要那个布洛芬一盒吧。", "我要 布洛芬一盒"},
		{"fillers between items", "蔬菜包两份，然后呢，鸡蛋一盒。", "蔬菜包两份，鸡蛋一盒"},
		{"greeting", "喂，你好，我的订单。", "我的订单"},
		{"digits", "蔬菜包2份。", "蔬菜包2份"},
		{"half a unit stays", "猪肉一斤半。", "猪肉一斤半"},
		{"order id read digit by digit", "嗯，取消幺零零五。", "取消1005"},
		{"room read digit by digit", "绑定三栋二单元五零一。", "绑定三栋二单元501"},
		{"zeros kept", "领取一零零七。", "领取1007"},
		{"two numerals stay", "来两三份菜包。", "来两三份菜包"},
		{"place values stay", "挂面十二袋。", "挂面十二袋"},
		{"confirmation", "是的。", "是的"},
		{"confirmation with filler", "嗯，对，就是。", "对"},
		{"urgent", "救命啊！", "救命"},
		{"only fillers", "嗯。", ""},
		{"only fillers and marks", "嗯，啊，那个……", ""},
		{"traditional", "雞蛋兩盒。", "鸡蛋两盒"},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Spoken(c.in); got != c.want {
				t.Errorf("Spoken(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestSpokenOrders reads recognised orders as ParseItems will: the
// normalised text orders what was said, with nothing left over.
func TestSpokenOrders(t *testing.T) {
	cat, err := catalog.Load("../bot/testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   string
		want []ItemRequest
	}{
		{"我要两份蔬菜包。", []ItemRequest{{"VEG-A", 2}}},
		{"来三盒鸡蛋吧。", []ItemRequest{{"EGG-30", 3}}},
		{"嗯，那个，蔬菜包2份。", []ItemRequest{{"VEG-A", 2}}},
		{"蔬菜包两份，然后呢，鸡蛋一盒。", []ItemRequest{{"VEG-A", 2}, {"EGG-30", 1}}},
		{"我要那个布洛芬一盒吧。", []ItemRequest{{"MED-IBU", 1}}},
		{"给我来八袋挂面。", []ItemRequest{{"NOODLE", 8}}},
	} {
		p := ParseItems(cat, Spoken(c.in))
		if len(p.Unknown) > 0 || len(p.Items) != len(c.want) {
			t.Errorf("%s: %+v", c.in, p)
			continue
		}
		for i := range c.want {
			if p.Items[i] != c.want[i] {
				t.Errorf("%s: items %v, want %v", c.in, p.Items, c.want)
			}
		}
	}
	if p := ParseItems(cat, Spoken("猪肉一斤半。")); len(p.Fractional) != 1 {
		t.Errorf("一斤半: %+v, want a fractional quantity", p)
	}
}
