package reports

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/baogong/baogong/orders"
)

func TestPicklistXLSX(t *testing.T) {
	p := testPickList()
	p.Totals = append(p.Totals, orders.Line{Name: "=1+1", Qty: 1, Unit: "个"})
	var b bytes.Buffer
	if err := PicklistXLSX(&b, p, "惠民超市"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatalf("OpenReader: %v", err)
	}
	defer f.Close()

	if got, want := f.GetSheetList(), []string{"合计", "明细"}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	want := map[string][][]string{
		"合计": {
			{"商品", "数量", "单位"},
			{"大米", "3", "袋"},
			{"鸡蛋", "5", "盒"},
			{"=1+1", "1", "个"},
		},
		"明细": {
			{"网格", "楼栋", "单元", "商品", "数量", "单位", "订单数"},
			{"1", "3", "1", "大米", "1", "袋", "2"},
			{"1", "3", "1", "鸡蛋", "2", "盒"}, // GetRows drops trailing empty cells
			{"1", "3", "2", "大米", "1", "袋", "1"},
			{"1", "12", "", "鸡蛋", "3", "盒", "1"},
			{"2", "5", "1", "大米", "1", "袋", "1"},
		},
	}
	for sheet, rows := range want {
		got, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, rows, slices.Equal) {
			t.Errorf("sheet %s:\n got %q\nwant %q", sheet, got, rows)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("sheet %s: panes %+v, want the header row frozen", sheet, panes)
		}
		style, err := f.GetCellStyle(sheet, "A1")
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(style)
		if err != nil {
			t.Fatal(err)
		}
		if st.Font == nil || !st.Font.Bold {
			t.Errorf("sheet %s: header is not bold", sheet)
		}
		if w, err := f.GetColWidth(sheet, "A"); err != nil || w < 8 {
			t.Errorf("sheet %s: column A width %v, %v", sheet, w, err)
		}
	}

	// Quantities and numeric building names are number cells (no t
	// attribute, which excelize reports as CellTypeUnset); text is a
	// string cell, a formula-looking name included.
	for _, c := range []struct {
		sheet, cell string
		want        excelize.CellType
	}{
		{"合计", "A2", excelize.CellTypeSharedString},
		{"合计", "B2", excelize.CellTypeUnset},
		{"合计", "A4", excelize.CellTypeSharedString},
		{"明细", "A2", excelize.CellTypeUnset},
		{"明细", "B2", excelize.CellTypeUnset},
		{"明细", "D2", excelize.CellTypeSharedString},
		{"明细", "E2", excelize.CellTypeUnset},
		{"明细", "G2", excelize.CellTypeUnset},
	} {
		if got, err := f.GetCellType(c.sheet, c.cell); err != nil || got != c.want {
			t.Errorf("%s!%s type = %v, %v; want %v", c.sheet, c.cell, got, err, c.want)
		}
	}
	if formula, err := f.GetCellFormula("合计", "A4"); err != nil || formula != "" {
		t.Errorf("合计!A4 formula = %q, %v; want none", formula, err)
	}
	if props, err := f.GetDocProps(); err != nil || props.Title != "备货单 2022-04-10 惠民超市" {
		t.Errorf("title = %+v, %v", props, err)
	}
}

func TestPicklistXLSXEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := PicklistXLSX(&b, orders.PickList{Supplier: "s", Day: "2022-04-10"}, ""); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("明细")
	if err != nil || len(rows) != 1 || rows[0][0] != "网格" {
		t.Errorf("明细 = %q, %v; want the header only", rows, err)
	}
}
