package orders

import (
	"strings"
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
		{"3栋-2-501", Address{"3", "2", "501"}, true},
		{"3栋2单元-501", Address{"3", "2", "501"}, true},
		{"5-1单元-1103", Address{"5", "1", "1103"}, true},
		{"3/2/501", Address{"3", "2", "501"}, true},
		{"叁栋壹单元110", Address{"3", "1", "110"}, true},
		{"3栋2单元15楼1501", Address{"3", "2", "1501"}, true},
		{"3栋二单元1502", Address{"3", "2", "1502"}, true},
		{"3栋2单元1501号", Address{"3", "2", "1501"}, true},
		{"3—2—501", Address{"3", "2", "501"}, true},
		{"蔬菜包2份/鸡蛋1盒", Address{}, false},
		// A quantity after a space is no part of the room.
		{"3-1-103 2份蔬菜包", Address{"3", "1", "103"}, true},
		{"3栋1单元103室 2份蔬菜包", Address{"3", "1", "103"}, true},
		{"3-1-112 2蔬菜包", Address{"3", "1", "112"}, true},
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

func TestFindAddressShort(t *testing.T) {
	for in, short := range map[string]bool{"2-501": true, "2/501": true, "2栋501": false, "3-2-501": false, "3#501": false} {
		m, ok := FindAddress(in, nil)
		if !ok || m.short != short {
			t.Errorf("FindAddress(%q) = %+v %v, want short=%v", in, m, ok, short)
		}
	}
}

func TestFindUnitRoomAndRoom(t *testing.T) {
	for in, want := range map[string]string{
		"2单元501":     "2/501",
		"二单元三零一":     "2/301",
		"2门1001室":    "2/1001",
		"2单元 501 鸡蛋": "2/501",
		"12单元501":    "12/501",
		"2单元":        "",
		"2单元50":      "",
	} {
		u, r, _, _, ok := findUnitRoom(zh.Fold(in))
		if got := u + "/" + r; (ok && got != want) || (!ok && want != "") {
			t.Errorf("findUnitRoom(%q) = %s %v, want %s", in, got, ok, want)
		}
	}
	isUnit := func(s string) bool { return len(s) > 0 && (s[0] == 'x' || strings.HasPrefix(s, "份")) }
	for in, want := range map[string]string{
		"501 蔬菜包2份":      "501",
		"1202室 鸡蛋":       "1202",
		"九零一 蔬菜包":        "901",
		"蔬菜包100份":        "",
		"一共126户":         "",
		"2022年":          "",
		"小王2021 601 蔬菜包": "601",
		"李阿姨501 蔬菜包":     "501",
		"3-501":          "",
		"10:30":          "",
		"13812345678":    "",
	} {
		room, _, _, _, ok := findRoom(isUnit, zh.Fold(in))
		if room != want || ok != (want != "") {
			t.Errorf("findRoom(%q) = %q %v, want %q", in, room, ok, want)
		}
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
