package orders

import (
	"testing"

	"github.com/baogong/baogong/catalog"
)

func TestIsCry(t *testing.T) {
	cat, err := catalog.New(nil, []catalog.Item{
		{SKU: "KIT", Name: "急救包", Unit: "个"},
		{SKU: "NOODLE", Name: "挂面", Unit: "袋"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		cry  bool
	}{
		{"救命 3栋9单元102的老人晕倒了", true},
		{"楼上3-9-201阿姨喘不上气", true},
		{"我妈摔倒了起不来了", true},
		{"快叫120", true},
		{"急 挂面1袋", false},    // an order in a hurry
		{"急救包1个", false},     // goods
		{"我爸心脏病药吃完了", false}, // 急 words aside, medicine running out is an order
		{"紧急 胰岛素1支", false},
	} {
		if got := IsCry(cat, tc.text); got != tc.cry {
			t.Errorf("IsCry(%q) = %v, want %v", tc.text, got, tc.cry)
		}
	}
}

func TestFindAddresses(t *testing.T) {
	got := FindAddresses("救命 3栋2单元502和3-2-601，还有3栋2单元502", nil, 3)
	if len(got) != 2 || got[0].String() != "3栋2单元502" || got[1].String() != "3栋2单元601" {
		t.Errorf("doors: %v", got)
	}
}
