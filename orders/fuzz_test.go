package orders

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/baogong/baogong/internal/zh"
)

// Fuzz targets for the free-text parsers: whatever a resident or a lead
// types, they never panic, and what they return is something the rest of
// the service can trust. ./scripts/test runs each for a few seconds; the
// seed corpus is in testdata/fuzz.

var fuzzSeeds = []string{
	"蔬菜包2份", "雞蛋兩盒 布洛芬1盒", "来三份菜包", "米、面各1袋", "鸡蛋-3盒", "鸡蛋0盒",
	"鸡蛋99999999999999999999盒", "猪肉1.5斤", "两斤半猪肉", "3-2-501 蔬菜包2份", "绑定 3栋2单元501",
	"#接龙 3栋\n例：3-2-501 蔬菜包1份\n1. 张 3-1-101 鸡蛋1盒\n1000. 李 13800001111 3栋2单元502 蔬菜包2份",
	"救命 我爸心脏病药吃完了", "一一一一一一一一一一一一", "３栋２单元５０１", "5-501", "🌻李 3栋1单元101 鸡蛋1盒",
}

func FuzzParseItems(f *testing.F) {
	cat := testCatalog(f)
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := ParseItems(cat, zh.Fold(s))
		seen := map[string]bool{}
		for _, it := range p.Items {
			if _, ok := cat.Item(it.SKU); !ok {
				t.Fatalf("%q: unknown sku %s", s, it.SKU)
			}
			if it.Qty < 1 || it.Qty > MaxQty {
				t.Fatalf("%q: quantity %d ordered", s, it.Qty)
			}
			if seen[it.SKU] {
				t.Fatalf("%q: %s twice", s, it.SKU)
			}
			seen[it.SKU] = true
		}
	})
}

func FuzzFindAddress(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = zh.Fold(s)
		m, ok := FindAddress(s, nil)
		if !ok {
			return
		}
		if m.Start < 0 || m.End > len(s) || m.Start > m.End {
			t.Fatalf("%q: match %d..%d", s, m.Start, m.End)
		}
		if m.Building == "" || m.Room == "" || !utf8.ValidString(m.Household()) {
			t.Fatalf("%q: address %+v", s, m.Address)
		}
	})
}

func FuzzParseText(f *testing.F) {
	cat := testCatalog(f)
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res := ParseText(cat, s, Context{})
		lines := strings.Count(s, "\n") + 1
		households := map[string]bool{}
		for _, o := range res.Orders {
			if o.Line < 1 || o.Line > lines {
				t.Fatalf("order on line %d of %d", o.Line, lines)
			}
			if o.Address.Building == "" || o.Address.Room == "" {
				t.Fatalf("order without a household: %+v", o)
			}
			if households[o.Address.Household()] {
				t.Fatalf("household %s ordered twice in one list", o.Address.Household())
			}
			households[o.Address.Household()] = true
			for _, it := range o.Items {
				if it.Qty < 1 || it.Qty > MaxQty {
					t.Fatalf("line %d: quantity %d", o.Line, it.Qty)
				}
			}
		}
		for _, r := range res.Rejected {
			if r.Reason == "" {
				t.Fatalf("line %d rejected without a reason", r.Line)
			}
		}
	})
}
