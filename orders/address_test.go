package orders

import (
	"testing"

	"github.com/baogong/baogong/internal/zh"
)

func TestFindAddress(t *testing.T) {
	known := func(b string) bool { return b == "3" || b == "5" || b == "8" || b == "12" }
	tests := []struct {
		in    string
		want  Address
		found bool
	}{
		{"3栋2单元501", Address{"3", "2", "501"}, true},
		{"3号楼2单元501室", Address{"3", "2", "501"}, true},
		{"3-2-501", Address{"3", "2", "501"}, true},
		{"3 - 2 - 501", Address{"3", "2", "501"}, true},
		{"三栋二单元501", Address{"3", "2", "501"}, true},
		{"三栋二单元五零一", Address{"3", "2", "501"}, true},
		{"8棟1單元101", Address{"8", "1", "101"}, true},
		{"３栋２单元５０１", Address{"3", "2", "501"}, true},
		{"3幢2门501", Address{"3", "2", "501"}, true},
		{"3#2单元501", Address{"3", "2", "501"}, true},
		{"3#2-501", Address{"3", "2", "501"}, true},
		{"12栋1单元1202", Address{"12", "1", "1202"}, true},
		{"5栋302", Address{"5", "", "302"}, true},
		{"5号楼302室", Address{"5", "", "302"}, true},
		{"张阿姨 13812345678 3-2-501 蔬菜包2份", Address{"3", "2", "501"}, true},
		{"蔬菜包25栋1单元101", Address{"5", "1", "101"}, true}, // the 2 is a quantity
		{"蔬菜包2份", Address{}, false},
		{"13812345678", Address{}, false},
		{"鸡蛋1-2盒", Address{}, false},
		{"收到，谢谢楼长", Address{}, false},
		{"3栋2单元", Address{}, false}, // no room
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, ok := FindAddress(zh.Fold(tt.in), known)
			if ok != tt.found || m.Address != tt.want {
				t.Errorf("FindAddress(%q) = %+v %v, want %+v %v", tt.in, m.Address, ok, tt.want, tt.found)
			}
		})
	}
}

func TestAddressForms(t *testing.T) {
	a := Address{Building: "3", Unit: "2", Room: "501"}
	if a.String() != "3栋2单元501" || a.Household() != "3-2-501" {
		t.Errorf("%s %s", a, a.Household())
	}
	b, err := ParseHousehold("3-2-501")
	if err != nil || b != a {
		t.Errorf("ParseHousehold: %+v %v", b, err)
	}
	noUnit := Address{Building: "5", Room: "302"}
	if noUnit.String() != "5栋302" || noUnit.Household() != "5--302" {
		t.Errorf("%s %s", noUnit, noUnit.Household())
	}
	if c, err := ParseHousehold(noUnit.Household()); err != nil || c != noUnit {
		t.Errorf("round trip without unit: %+v %v", c, err)
	}
}

func TestCommunity(t *testing.T) {
	c := Community{Grids: []Grid{{ID: "G1", Buildings: []string{"3", "05"}}, {ID: "G2", Buildings: []string{"6"}}}}
	for b, want := range map[string]string{"3": "G1", "5": "G1", "005": "G1", "6": "G2", "7": ""} {
		if g, _ := c.GridOf(b); g != want {
			t.Errorf("GridOf(%s) = %s, want %s", b, g, want)
		}
	}
}
