package orders

import (
	"slices"
	"testing"

	"github.com/baogong/baogong/catalog"
)

func TestCutNote(t *testing.T) {
	for _, tc := range []struct{ in, rest, note string }{
		{"蔬菜包1份 不要香菜", "蔬菜包1份", "不要香菜"},
		{"鸡蛋1盒 放门口就行", "鸡蛋1盒", "放门口就行"},
		{"3栋1单元1801 鸡蛋1盒 放门口就行", "3栋1单元1801 鸡蛋1盒", "放门口就行"},
		{"蔬菜包2份，下午送", "蔬菜包2份", "下午送"},
		{"老人独居请敲门", "", "老人独居请敲门"},
		{"蔬菜包1份 备注：老人在家", "蔬菜包1份", "老人在家"},
		{"蔬菜包1份", "蔬菜包1份", ""},
		{"蔬菜包不要了", "蔬菜包不要了", ""},
		{"8-2-1003 蔬菜包1份 鸡蛋1盒 (周末不在家，放门口)", "8-2-1003 蔬菜包1份 鸡蛋1盒", "周末不在家，放门口"},
		{"608 菜包1份 放门口 不用敲门", "608 菜包1份", "放门口 不用敲门"},
	} {
		rest, note := CutNote(tc.in)
		if rest != tc.rest || note != tc.note {
			t.Errorf("CutNote(%q) = %q, %q; want %q, %q", tc.in, rest, note, tc.rest, tc.note)
		}
	}
}

func TestRemarks(t *testing.T) {
	cat, err := catalog.New(nil, []catalog.Item{
		{SKU: "VEG", Name: "蔬菜包", Aliases: []string{"菜包"}, Unit: "份"},
		{SKU: "EGG", Name: "鸡蛋", Unit: "盒"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text, remark string
		unknown      []string
	}{
		{"蔬菜包1份 门口有只大黄狗", "门口有只大黄狗", nil},
		{"我们是中风险小区 蔬菜包1份", "我们是中风险小区", nil}, // a sentence before the goods
		{"我们是中风险小区，鸡蛋1盒", "我们是中风险小区", nil},
		{"疏菜包1份", "", []string{"疏"}},       // glued to the goods: a misspelling
		{"老王家 蔬菜包1份", "", []string{"老王家"}}, // too short to be a sentence: asked
		{"鸡旦2盒 蔬菜包1份", "", []string{"鸡旦"}}, // close to a name: asked
	} {
		p := ParseItems(cat, tc.text)
		remark, unknown := Remarks(cat, tc.text, p)
		if remark != tc.remark || !slices.Equal(unknown, tc.unknown) {
			t.Errorf("Remarks(%q) = %q %q, want %q %q", tc.text, remark, unknown, tc.remark, tc.unknown)
		}
	}
}
