package reports

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/baogong/baogong/orders"
)

// readCSV checks the BOM and parses the rest with encoding/csv.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("CSV does not start with the UTF-8 BOM: % x", b[:min(len(b), 8)])
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	return rows
}

func TestPicklistCSV(t *testing.T) {
	header := []string{"网格", "楼栋", "单元", "商品", "数量", "单位", "订单数"}
	cases := []struct {
		name     string
		p        orders.PickList
		supplier string
		want     [][]string
	}{
		{
			name:     "full",
			p:        testPickList(),
			supplier: "惠民超市",
			want: [][]string{
				{"备货单", "2022-04-10", "惠民超市"},
				{"商品", "数量", "单位"},
				{"大米", "3", "袋"},
				{"鸡蛋", "5", "盒"},
				header,
				{"1", "3", "1", "大米", "1", "袋", "2"},
				{"1", "3", "1", "鸡蛋", "2", "盒", ""},
				{"1", "3", "2", "大米", "1", "袋", "1"},
				{"1", "12", "", "鸡蛋", "3", "盒", "1"},
				{"2", "5", "1", "大米", "1", "袋", "1"},
			},
		},
		{
			name: "empty, supplier ID for a name",
			p:    orders.PickList{Supplier: "pharmacy-1", Day: "2022-04-11"},
			want: [][]string{
				{"备货单", "2022-04-11", "pharmacy-1"},
				{"商品", "数量", "单位"},
				header,
			},
		},
		{
			name: "quotes, commas and newlines",
			p: orders.PickList{Supplier: "s", Day: "2022-04-10",
				Totals: []orders.Line{{Name: "米,\"五常\"\n10斤", Qty: 1, Unit: "袋"}}},
			supplier: "惠民, \"总店\"",
			want: [][]string{
				{"备货单", "2022-04-10", "惠民, \"总店\""},
				{"商品", "数量", "单位"},
				{"米,\"五常\"\n10斤", "1", "袋"},
				header,
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := PicklistCSV(&b, c.p, c.supplier); err != nil {
				t.Fatal(err)
			}
			got := readCSV(t, b.Bytes())
			if !slices.EqualFunc(got, c.want, slices.Equal) {
				t.Errorf("rows:\n got %q\nwant %q", got, c.want)
			}
			if !strings.Contains(b.String(), "\r\n") {
				t.Errorf("want CRLF line ends")
			}
		})
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"大米":                       "大米",
		"=1+1":                     "'=1+1",
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+86 138":                  "'+86 138",
		"-2+3":                     "'-2+3",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\t=1":                     "'\t=1",
		"\r=1":                     "'\r=1",
		"a=1":                      "a=1",
		" =1":                      " =1",
		"'=1":                      "'=1",
	} {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPicklistCSVFormulaInjection(t *testing.T) {
	evil := `=cmd|' /C calc'!A0`
	p := orders.PickList{
		Supplier: "s", Day: "2022-04-10",
		Totals: []orders.Line{{Name: evil, Qty: 2, Unit: "@x"}},
		Grids: []orders.GridPick{{Grid: "+1", Buildings: []orders.BuildingPick{{Building: "-3", Units: []orders.UnitPick{
			{Unit: "=2", Lines: []orders.Line{{Name: evil, Qty: 2, Unit: "@x"}}, Orders: 1},
		}}}}},
	}
	var b bytes.Buffer
	if err := PicklistCSV(&b, p, "=HYPERLINK(\"http://evil\")"); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, b.Bytes())
	want := [][]string{
		{"备货单", "2022-04-10", "'=HYPERLINK(\"http://evil\")"},
		{"商品", "数量", "单位"},
		{"'" + evil, "2", "'@x"},
		{"网格", "楼栋", "单元", "商品", "数量", "单位", "订单数"},
		{"'+1", "'-3", "'=2", "'" + evil, "2", "'@x", "1"},
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows:\n got %q\nwant %q", rows, want)
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
}
