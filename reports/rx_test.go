package reports

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baogong/baogong/orders"
)

func insulin(q int) orders.Line {
	return orders.Line{SKU: "MED-INSULIN", Name: "胰岛素注射液", Qty: q, Unit: "支", PriceFen: 6800}
}

// testRxPickList is a pharmacy's list: three orders with insulin, one
// approved by a lead without a photo, one let through by its photo, one
// approved by the pharmacy after the photo, and one with a bad URL.
func testRxPickList() orders.PickList {
	a := func(b, u, r string) orders.Address { return orders.Address{Building: b, Unit: u, Room: r} }
	return orders.PickList{
		Supplier: "ph-renmin",
		Day:      "2022-04-10",
		Totals:   []orders.Line{insulin(5)},
		Grids: []orders.GridPick{{
			Grid:   "1",
			Totals: []orders.Line{insulin(5)},
			Buildings: []orders.BuildingPick{{
				Building: "3",
				Totals:   []orders.Line{insulin(5)},
				Units:    []orders.UnitPick{{Unit: "2", Lines: []orders.Line{insulin(5)}, Orders: 4}},
			}},
		}},
		Rx: []orders.RxRef{
			{OrderID: "1001", Grid: "1", Address: a("3", "2", "501"), Lines: []orders.Line{insulin(2)}, ApprovedBy: "lead-3", Note: "楼栋长"},
			{OrderID: "1002", Grid: "1", Address: a("3", "2", "502"), Lines: []orders.Line{insulin(1)},
				PicURL: "http://mmbiz.qpic.cn/p/1002.jpg?a=1&b=2", MediaID: "m-1002"},
			{OrderID: "1003", Grid: "1", Address: a("3", "2", "601"), Lines: []orders.Line{insulin(1)},
				PicURL: "http://mmbiz.qpic.cn/p/1003.jpg", ApprovedBy: "ph-boss", Note: "人民大药房：剂量核对过"},
			{OrderID: "1004", Grid: "1", Address: a("3", "2", "602"), Lines: []orders.Line{insulin(1)},
				PicURL: "javascript:alert(1)"},
		},
	}
}

func TestPicklistHTMLRx(t *testing.T) {
	var b bytes.Buffer
	if err := PicklistHTML(&b, testRxPickList(), "人民大药房", nil); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	golden(t, "picklist_rx.html.golden", b.Bytes())
	noExternal(t, page)
	for _, want := range []string{
		"<h2>处方</h2>",
		`<tr><td data-label="订单">1001</td><td class="addr" data-label="地址">3栋2单元501</td><td data-label="药品">胰岛素注射液 2支</td><td data-label="照片">无照片</td><td data-label="审核">通过（楼栋长）</td></tr>`,
		`<a href="http://mmbiz.qpic.cn/p/1002.jpg?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">看照片</a></td><td data-label="审核">未审核，请核对照片</td>`,
		`<td data-label="审核">通过（人民大药房：剂量核对过）</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "javascript:") {
		t.Error("a javascript: photo URL was not neutralised")
	}
	// The prescriptions get a page of their own after the grid's.
	if n := strings.Count(page, `<section class="page">`); n != 2 {
		t.Errorf("%d pages, want 2", n)
	}

	// A supermarket's list has no 处方 section.
	b.Reset()
	if err := PicklistHTML(&b, testPickList(), "惠民超市", nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "处方") {
		t.Error("a list without prescription medicine shows a 处方 section")
	}
}

func TestPicklistCSVRx(t *testing.T) {
	var b bytes.Buffer
	if err := PicklistCSV(&b, testRxPickList(), "人民大药房"); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, b.Bytes())
	want := [][]string{
		{"备货单", "2022-04-10", "人民大药房"},
		{"商品", "数量", "单位"},
		{"胰岛素注射液", "5", "支"},
		{"网格", "楼栋", "单元", "商品", "数量", "单位", "订单数"},
		{"1", "3", "2", "胰岛素注射液", "5", "支", "4"},
		{"处方订单号", "网格", "地址", "药品", "处方照片", "审核"},
		{"1001", "1", "3栋2单元501", "胰岛素注射液 2支", "", "通过（楼栋长）"},
		{"1002", "1", "3栋2单元502", "胰岛素注射液 1支", "http://mmbiz.qpic.cn/p/1002.jpg?a=1&b=2", "未审核，请核对照片"},
		{"1003", "1", "3栋2单元601", "胰岛素注射液 1支", "http://mmbiz.qpic.cn/p/1003.jpg", "通过（人民大药房：剂量核对过）"},
		{"1004", "1", "3栋2单元602", "胰岛素注射液 1支", "javascript:alert(1)", "未审核，请核对照片"},
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows:\n got %q\nwant %q", rows, want)
	}
}

func TestPicklistXLSXRx(t *testing.T) {
	var b bytes.Buffer
	if err := PicklistXLSX(&b, testRxPickList(), "人民大药房"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"合计", "明细", "处方"}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	rows, err := f.GetRows(SheetRx)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"处方订单号", "网格", "地址", "药品", "处方照片", "审核"},
		{"1001", "1", "3栋2单元501", "胰岛素注射液 2支", "", "通过（楼栋长）"},
		{"1002", "1", "3栋2单元502", "胰岛素注射液 1支", "http://mmbiz.qpic.cn/p/1002.jpg?a=1&b=2", "未审核，请核对照片"},
		{"1003", "1", "3栋2单元601", "胰岛素注射液 1支", "http://mmbiz.qpic.cn/p/1003.jpg", "通过（人民大药房：剂量核对过）"},
		{"1004", "1", "3栋2单元602", "胰岛素注射液 1支", "javascript:alert(1)", "未审核，请核对照片"},
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("sheet 处方:\n got %q\nwant %q", rows, want)
	}
	if panes, err := f.GetPanes(SheetRx); err != nil || !panes.Freeze {
		t.Errorf("sheet 处方: header not frozen (%v)", err)
	}
}

func TestRosterShowsUrgentAndMarks(t *testing.T) {
	ro := orders.Roster{Grid: "G1", Slot: time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC), Shares: []orders.Share{{
		Volunteer: "v1",
		Stops: []orders.Stop{
			{Seq: 1, OrderID: "1001", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Urgent: true, Marks: []orders.Mark{"独居老人"}},
			{Seq: 2, OrderID: "1002", Address: orders.Address{Building: "3", Unit: "2", Room: "502"}},
		},
	}}}
	var b bytes.Buffer
	if err := RosterHTML(&b, ro, "v1", time.UTC); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); !strings.Contains(got, "【急、独居老人】") || strings.Count(got, "【") != 1 {
		t.Errorf("roster notes:\n%s", got)
	}
}
