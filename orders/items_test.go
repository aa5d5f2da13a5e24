package orders

import (
	"fmt"
	"testing"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
)

func testCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestParseItems(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		in      string
		items   string // fmt of []ItemRequest
		unknown string
	}{
		{"蔬菜包2份", "[{VEG-A 2}]", "[]"},
		{"菜包 2", "[{VEG-A 2}]", "[]"},
		{"挂面 1 袋 鸡蛋 2 盒", "[{NOODLE 1} {EGG-30 2}]", "[]"}, // spaces around the number
		{"猪肉 3 斤", "[{PORK 3}]", "[]"},
		{"2 盒 鸡蛋", "[{EGG-30 2}]", "[]"},
		{"蔬菜包", "[{VEG-A 1}]", "[]"},
		{"雞蛋兩盒 布洛芬1盒", "[{EGG-30 2} {MED-IBU 1}]", "[]"},
		{"鸡蛋×2", "[{EGG-30 2}]", "[]"},
		{"鸡蛋x2", "[{EGG-30 2}]", "[]"},
		{"鸡蛋 X 2", "[{EGG-30 2}]", "[]"},
		{"鸡蛋*2", "[{EGG-30 2}]", "[]"},
		// A times sign or a label before the number marks it a quantity,
		// before the item or after it.
		{"x2 蔬菜包", "[{VEG-A 2}]", "[]"},
		{"×2 蔬菜包 鸡蛋1盒", "[{VEG-A 2} {EGG-30 1}]", "[]"},
		{"蔬菜包 数量2", "[{VEG-A 2}]", "[]"},
		{"蔬菜包 数量：2", "[{VEG-A 2}]", "[]"},
		{"蔬菜包数量2份 鸡蛋1盒", "[{VEG-A 2} {EGG-30 1}]", "[]"},
		{"蔬菜包 共2份", "[{VEG-A 2}]", "[]"},
		{"蔬菜包共2份", "[{VEG-A 2}]", "[]"},
		{"蔬菜包 一共两份", "[{VEG-A 2}]", "[]"},
		{"鸡蛋＊２", "[{EGG-30 2}]", "[]"},
		{"来三份菜包", "[{VEG-A 3}]", "[]"},
		{"两盒鸡蛋，一份粮油包", "[{EGG-30 2} {GRAIN-OIL 1}]", "[]"},
		{"米、面各1袋", "[{RICE-5KG 1} {NOODLE 1}]", "[]"},
		{"大米 挂面 各两袋", "[{RICE-5KG 2} {NOODLE 2}]", "[]"},
		{"老周 米、面各1袋", "[{RICE-5KG 1} {NOODLE 1}]", "[老周]"},
		{"蔬菜包2份鸡蛋1盒", "[{VEG-A 2} {EGG-30 1}]", "[]"},
		{"蔬菜包2份+鸡蛋1盒/牛奶1箱", "[{VEG-A 2} {EGG-30 1} {MILK 1}]", "[]"},
		{"布洛芬（芬必得）1盒", "[{MED-IBU 1}]", "[]"},
		{"布洛芬1盒 芬必得1盒", "[{MED-IBU 1}]", "[]"}, // one drug under two names: once
		{"我要蔬菜包2份，谢谢", "[{VEG-A 2}]", "[]"},
		{"买药 连花清瘟2盒", "[{MED-LH 2}]", "[]"},
		{"🥬蔬菜包2份🙏", "[{VEG-A 2}]", "[]"},
		{"蔬菜包十份", "[{VEG-A 10}]", "[]"},
		{"西红柿2斤", "[]", "[西红柿]"},
		{"蔬菜包1份 西红柿2斤", "[{VEG-A 1}]", "[西红柿]"},
		{"你好", "[]", "[]"},
		{"鸡蛋 2，蔬菜包", "[{EGG-30 2} {VEG-A 1}]", "[]"},
		{"蔬菜包，2份鸡蛋", "[{VEG-A 1} {EGG-30 2}]", "[]"},
		// One drug under two names counts once, whatever the brackets.
		{"布洛芬（芬必得）2盒", "[{MED-IBU 2}]", "[]"},
		{"芬必得2盒（布洛芬2盒）", "[{MED-IBU 2}]", "[]"},
		{"布洛芬缓释胶囊（芬必得）2盒", "[{MED-IBU 2}]", "[]"},
		{"布洛芬 1盒（芬必得）", "[{MED-IBU 1}]", "[]"},
		{"布洛芬/芬必得 1盒", "[{MED-IBU 1}]", "[]"},
		{"布洛芬胶囊1盒", "[{MED-IBU 1}]", "[]"},
		{"连花清瘟颗粒2盒", "[{MED-LH 2}]", "[]"},
		{"蔬菜包1份 蔬菜包1份", "[{VEG-A 2}]", "[]"}, // the same name twice adds up
		// One-character names only on their own.
		{"奶奶 蔬菜包", "[{VEG-A 1}]", "[奶奶]"},
		{"小米2袋", "[]", "[小米]"},
		{"米2袋 面1袋", "[{RICE-5KG 2} {NOODLE 1}]", "[]"},
		{"米面各一袋", "[{RICE-5KG 1} {NOODLE 1}]", "[]"},
		{"要米1袋，面也要1袋", "[{RICE-5KG 1} {NOODLE 1}]", "[]"},
		{"牛肉2斤", "[]", "[牛肉]"},
		{"面包2个", "[]", "[面包]"},
		{"蛋x1 奶x1", "[{EGG-30 1} {MILK 1}]", "[]"},
		// Numbers in names are not quantities.
		{"张三 蔬菜包", "[{VEG-A 1}]", "[张]"},
		{"李阿姨2份蔬菜包", "[{VEG-A 2}]", "[李阿姨]"},
		// Quantities before and after.
		{"两份蔬菜包 一盒鸡蛋", "[{VEG-A 2} {EGG-30 1}]", "[]"},
		{"蔬菜包（2份）", "[{VEG-A 2}]", "[]"},
		{"2份 蔬菜包", "[{VEG-A 2}]", "[]"},
		{"蔬菜包✖️2", "[{VEG-A 2}]", "[]"},
		{"鸡蛋2盒（1盒也行）", "[{EGG-30 2}]", "[]"},
		{"蔬菜包，米、面各2袋", "[{VEG-A 1} {RICE-5KG 2} {NOODLE 2}]", "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p := ParseItems(cat, zh.Fold(tt.in))
			items := fmt.Sprint(p.Items)
			if p.Items == nil {
				items = "[]"
			}
			unknown := fmt.Sprint(p.Unknown)
			if items != tt.items || unknown != tt.unknown {
				t.Errorf("ParseItems(%q) = %s unknown %s, want %s unknown %s", tt.in, items, unknown, tt.items, tt.unknown)
			}
		})
	}
	if p := ParseItems(cat, "蔬菜包0份"); len(p.ZeroQty) != 1 || len(p.Items) != 0 {
		t.Errorf("zero: %+v", p)
	}
	if p := ParseItems(cat, "鸡蛋100盒"); len(p.TooMany) != 1 || len(p.Items) != 0 {
		t.Errorf("too many: %+v", p)
	}
	for _, in := range []string{"猪肉1.5斤", "猪肉两斤半", "半斤猪肉", "猪肉半斤", "猪肉 1.5 斤"} {
		if p := ParseItems(cat, zh.Fold(in)); fmt.Sprint(p.Fractional) != "[PORK]" || len(p.Items) != 0 {
			t.Errorf("fractional %s: %+v", in, p)
		}
	}
	// A label's quantity after several goods is whose? Never guessed.
	for in, want := range map[string]string{
		"蔬菜包 鸡蛋 共2件":   "[VEG-A EGG-30]",
		"蔬菜包 鸡蛋 数量2":   "[VEG-A EGG-30]",
		"蔬菜包1份 鸡蛋 共2件": "[EGG-30]",
		"蔬菜包、鸡蛋一共三份":   "[VEG-A EGG-30]",
	} {
		if p := ParseItems(cat, zh.Fold(in)); fmt.Sprint(p.Unclear) != want {
			t.Errorf("unclear %s: %+v, want %s", in, p, want)
		}
	}
	for in, want := range map[string]string{
		"蔬菜包 数量2 鸡蛋 数量1": "[{VEG-A 2} {EGG-30 1}]",
		"蔬菜包共2份 鸡蛋1盒":    "[{VEG-A 2} {EGG-30 1}]",
		"公共 蔬菜包2份":       "[{VEG-A 2}]",
	} {
		if p := ParseItems(cat, zh.Fold(in)); fmt.Sprint(p.Items) != want || len(p.Unclear) != 0 {
			t.Errorf("labelled %s: %+v, want %s", in, p, want)
		}
	}
	// A quantity after the goods and a word that says nothing (要, 来),
	// a colon or a comma, with no item after it, is theirs: each was
	// one (the 2份 dropped without a word).
	for in, want := range map[string]string{
		"鸡蛋要两盒，大米要一袋":  "[{EGG-30 2} {RICE-5KG 1}]",
		"蔬菜包，要2份":      "[{VEG-A 2}]",
		"蔬菜包 要2份":      "[{VEG-A 2}]",
		"蔬菜包 来两份":      "[{VEG-A 2}]",
		"鸡蛋：2盒":        "[{EGG-30 2}]",
		"鸡蛋要2":         "[{EGG-30 2}]",
		"有鸡蛋吗 我要2盒":    "[{EGG-30 2}]",
		"鸡蛋还有2盒吗":      "[{EGG-30 2}]",
		"鸡蛋 要 2盒 大米":   "[{EGG-30 1} {RICE-5KG 2}]", // as 2盒大米
		"鸡蛋 昨天买了2盒":    "[{EGG-30 1}]",              // a word between: not the eggs'
		"蔬菜包 鸡蛋1盒 要2份": "[{VEG-A 1} {EGG-30 1}]",
		"鸡蛋要两盒 放门口":    "[{EGG-30 2}]",
	} {
		if p := ParseItems(cat, zh.Fold(in)); fmt.Sprint(p.Items) != want || len(p.Unclear) != 0 {
			t.Errorf("trailing quantity %s: %+v, want %s", in, p, want)
		}
	}
	for in, want := range map[string]string{
		"蔬菜包 鸡蛋 要2份": "[VEG-A EGG-30]",
		"蔬菜包，鸡蛋，来2份": "[VEG-A EGG-30]",
	} {
		if p := ParseItems(cat, zh.Fold(in)); fmt.Sprint(p.Unclear) != want {
			t.Errorf("trailing quantity of several %s: %+v, want %s", in, p, want)
		}
	}
	// Goods written as not wanted are never ordered.
	for _, tc := range []struct{ in, items, declined string }{
		{"鸡蛋不要了", "[]", "[EGG-30]"},
		{"鸡蛋2盒不要了", "[]", "[EGG-30]"},
		{"鸡蛋 就不要了吧", "[]", "[EGG-30]"},
		{"不要鸡蛋了 要大米1袋", "[{RICE-5KG 1}]", "[EGG-30]"},
		{"大米1袋 不要鸡蛋", "[{RICE-5KG 1}]", "[EGG-30]"},
		{"我不要鸡蛋", "[]", "[EGG-30]"},
		{"不要 鸡蛋", "[]", "[EGG-30]"},
		{"鸡蛋 不要了 谢谢", "[]", "[EGG-30]"},
		{"要不要鸡蛋", "[]", "[EGG-30]"}, // asked: still not ordered
		{"蔬菜包1份 不要了 鸡蛋1盒", "[{EGG-30 1}]", "[VEG-A]"},
		{"蔬菜包不要青椒", "[{VEG-A 1}]", "[]"}, // a remark
	} {
		p := ParseItems(cat, zh.Fold(tc.in))
		if fmt.Sprint(p.Items) != tc.items || fmt.Sprint(p.Declined) != tc.declined {
			t.Errorf("declined %s: items %v declined %v, want %s %s", tc.in, p.Items, p.Declined, tc.items, tc.declined)
		}
	}
	// UnknownGoods: only words with a quantity are goods for sure.
	for in, want := range map[string]string{
		"西红柿2斤":         "[西红柿]",
		"两斤西红柿":         "[西红柿]",
		"西红柿×2":         "[西红柿]",
		"西红柿、土豆各1斤":     "[西红柿 土豆]",
		"西红柿2斤蔬菜包1份":    "[西红柿]",
		"李阿姨 蔬菜包2份 放门口": "[]",
		"李阿姨2份蔬菜包":      "[]",
		"小王2021 蔬菜包":    "[]",
		"鸡蛋2盒（1盒也行）":    "[]",
		"我要西红柿两斤，谢谢":    "[西红柿]",
		"小朋友的奶粉2罐":      "[小朋友的奶粉]",
	} {
		if got := fmt.Sprint(ParseItems(cat, zh.Fold(in)).UnknownGoods); got != want {
			t.Errorf("UnknownGoods(%q) = %s, want %s", in, got, want)
		}
	}
}

func BenchmarkParseLine(b *testing.B) {
	cat := testCatalog(b)
	lines := []string{
		"3栋2单元501 蔬菜包2份 鸡蛋1盒",
		"张阿姨🌸 13812345678 5-1-302 雞蛋兩盒 布洛芬（芬必得）1盒",
		"6号楼3单元1202室 来三份菜包，米、面各1袋",
		"收到，谢谢楼长",
	}
	c := Context{Known: func(string) bool { return true }}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ParseLine(cat, lines[i%len(lines)], c)
		i++
	}
}
