package orders

import (
	"testing"
)

func TestParseText(t *testing.T) {
	cat := testCatalog(t)
	known := func(b string) bool { return b == "3" || b == "5" || b == "6" }
	text := "3栋2单元501 蔬菜包2份\n收到\n\n5-1-302 西红柿1斤\n鸡蛋2盒\n12-1-101 鸡蛋1盒\n6-3-1202\n"
	res := ParseText(cat, text, Context{Known: known})
	if len(res.Orders) != 1 || res.Orders[0].Line != 1 || res.Orders[0].Address != (Address{"3", "2", "501"}) {
		t.Errorf("orders: %+v", res.Orders)
	}
	want := []RejectedLine{
		{Line: 4, Text: "5-1-302 西红柿1斤", Reason: ReasonUnknownItem + "西红柿"},
		{Line: 5, Text: "鸡蛋2盒", Reason: ReasonNoAddress},
		{Line: 6, Text: "12-1-101 鸡蛋1盒", Reason: ReasonUnknownBuilding},
		{Line: 7, Text: "6-3-1202", Reason: ReasonNoItems},
	}
	if len(res.Rejected) != len(want) {
		t.Fatalf("rejected: %+v", res.Rejected)
	}
	for i, w := range want {
		if res.Rejected[i] != w {
			t.Errorf("rejected[%d] = %+v, want %+v", i, res.Rejected[i], w)
		}
	}
	ctx := Context{Building: "3", Unit: "2", Known: known}
	res = ParseText(cat, "501 鸡蛋两盒\n1202室 牛奶1箱", ctx)
	if len(res.Orders) != 2 || res.Orders[0].Address != (Address{"3", "2", "501"}) || res.Orders[1].Address.Room != "1202" {
		t.Errorf("room only: %+v", res)
	}
}
