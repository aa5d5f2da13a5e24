package catalog

import (
	"os"
	"strings"
	"testing"
)

func load(t *testing.T) *Catalog {
	t.Helper()
	data, err := os.ReadFile("../cmd/baogong/demodata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLookup(t *testing.T) {
	c := load(t)
	tests := []struct{ name, sku string }{
		{"蔬菜包", "VEG-A"},
		{"菜包", "VEG-A"},
		{" 蔬 菜 包 ", "VEG-A"},
		{"雞蛋", "EGG-30"},
		{"芬必得", "MED-IBU"},
		{"布洛芬缓释胶囊", "MED-IBU"},
		{"粮油包", "GRAIN-OIL"},
		{"米麵油", "GRAIN-OIL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, ok := c.Lookup(tt.name)
			if !ok || it.SKU != tt.sku {
				t.Errorf("Lookup(%q) = %v %v, want %s", tt.name, it, ok, tt.sku)
			}
		})
	}
	if _, ok := c.Lookup("榴莲"); ok {
		t.Error("found an item that does not exist")
	}
}

func TestMatchAtPrefersLongest(t *testing.T) {
	c := load(t)
	it, n := c.MatchAt([]rune("米面油套餐2份"))
	if it == nil || it.SKU != "GRAIN-OIL" || n != 5 {
		t.Errorf("got %v %d", it, n)
	}
	it, n = c.MatchAt([]rune("米2袋"))
	if it == nil || it.SKU != "RICE-5KG" || n != 1 {
		t.Errorf("got %v %d", it, n)
	}
}

func TestSuggest(t *testing.T) {
	c := load(t)
	tests := []struct{ word, first string }{
		{"鸡旦", "鸡蛋"},
		{"蔬菜", "蔬菜包"},
		{"布洛分", "布洛芬缓释胶囊"},
		{"连花清温", "连花清瘟胶囊"},
	}
	for _, tt := range tests {
		got := c.Suggest(tt.word, 3)
		if len(got) == 0 || got[0] != tt.first {
			t.Errorf("Suggest(%q) = %v, want %s first", tt.word, got, tt.first)
		}
	}
	if got := c.Suggest("手机", 3); len(got) != 0 {
		t.Errorf("Suggest(手机) = %v, want none", got)
	}
}

func TestValidation(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"items: []", "no items"},
		{"items:\n  - {sku: A, name: 菜, unit: 份}\n  - {sku: A, name: 肉, unit: 斤}", "item 2 (line 3, sku A): sku is used twice: item 1 (line 2) has it already"},
		{"items:\n  - {sku: A, name: 菜, unit: 份}\n  - {sku: B, name: 肉, aliases: [菜], unit: 斤}", `item 2 (line 3, sku B): alias "菜" is also a name or alias of item 1 (line 2, sku A)`},
		{"items:\n  - {sku: A, name: 菜, unit: 份, price_fen: -1}", "price_fen -1 is negative"},
		{"items:\n  - {sku: A, name: 菜, unit: 份, limit_per_housold: 2}", "items[0].limit_per_housold (line 2): unknown key"},
		{"items:\n  - {sku: A, nane: 菜, unit: 份}", "items[0].nane (line 2): unknown key (did you mean name?)"},
		{"items:\n  - {sku: A, name: 菜, unit: 份, prise_fen: 100}", "items[0].prise_fen (line 2): unknown key (did you mean price_fen?)"},
		{"itmes:\n  - {sku: A, name: 菜, unit: 份}", "itmes (line 1): unknown key (did you mean items?)"},
		{"suppliers:\n  - {id: s1, name: x, kind: pharmacy}\n  - {id: s1, name: y, kind: pharmacy}\nitems:\n  - {sku: A, name: 菜, unit: 份}", "supplier 2 (line 3, id s1): id is used twice: supplier 1 (line 2) has it already"},
		{"suppliers:\n  - {id: s1, name: x, kind: shop}\nitems:\n  - {sku: A, name: 菜, unit: 份, supplier: s2}", `kind "shop"`},
		{"suppliers:\n  - {id: s1, name: x, kind: pharmacy}\nitems:\n  - {sku: A, name: 菜, unit: 份, supplier: s2}", `supplier "s2" is not in suppliers`},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error %v, want %q", tt.yaml, err, tt.want)
		}
	}
}
