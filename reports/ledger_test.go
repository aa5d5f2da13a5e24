package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baogong/baogong/orders"
)

// ledgerFixture is a day's orders as they come from the store (newest
// first, ids out of order): a resident's, a lead's 接龙 for an elder
// (two lines, urgent, paid in the group, one box of eggs not packed and
// owed back), a free pack, one cancelled after it was paid (refunded),
// one by voice (paid at the door), one the office placed, and an id
// shorter than the others.
func ledgerFixture() []orders.Order {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 24, 9, 30, 0, 0, sh)
	veg := orders.Line{SKU: "VEG", Name: "蔬菜包", Qty: 2, Unit: "份", PriceFen: 5000}
	egg := orders.Line{SKU: "EGG", Name: "鸡蛋", Qty: 1, Unit: "盒", PriceFen: 2850}
	free := orders.Line{SKU: "VEG-FREE", Name: "政府蔬菜包", Qty: 1, Unit: "份"}
	a := func(b, u, r string) orders.Address { return orders.Address{Building: b, Unit: u, Room: r} }
	delivered := func(by, note string, after time.Duration) []orders.Event {
		return []orders.Event{{At: at, Status: orders.StatusPending}, {At: at.Add(after), Status: orders.StatusDelivered, By: by, Note: note}}
	}
	return []orders.Order{
		{ID: "1004", Grid: "G1", Address: a("5", "1", "302"), Lines: []orders.Line{veg}, TotalFen: 10000, Status: orders.StatusPending,
			Channel: orders.ChannelAdmin, PlacedBy: "admin-token", CreatedAt: at.Add(4 * time.Hour)},
		{ID: "1005", Grid: "G2", Address: a("6", "3", "1202"), Lines: []orders.Line{egg}, TotalFen: 2850, Status: orders.StatusDelivered,
			Channel: orders.ChannelVoice, PlacedBy: "o-wang", CreatedAt: at.Add(3 * time.Hour), History: delivered("o-vol-2", "", 6*time.Hour),
			Pay: orders.Payment{Status: orders.PayPaid, Method: orders.PayAtDoor, PaidFen: 2850}},
		{ID: "1006", Grid: "G1", Address: a("3", "2", "502"), Lines: []orders.Line{free}, Status: orders.StatusAssigned,
			Channel: orders.ChannelDistribution, PlacedBy: "admin-token", CreatedAt: at.Add(2 * time.Hour), Distribution: "d1"},
		{ID: "1003", Grid: "G1", Address: a("3", "1", "101"), Lines: []orders.Line{veg, egg}, TotalFen: 12850, Status: orders.StatusDelivered,
			Channel: orders.ChannelJielong, PlacedBy: "o-lead-3", Urgent: true, CreatedAt: at.Add(time.Hour),
			History: delivered("o-vol-1", "=放门口", 5*time.Hour), Cut: []orders.Line{{SKU: "EGG", Name: "鸡蛋", Qty: 1, Unit: "盒", PriceFen: 2850}},
			Pay: orders.Payment{Status: orders.PayRefundDue, Method: orders.PayGroup, PaidFen: 15700, RefundFen: 2850}},
		{ID: "1002", Grid: "G1", Address: a("3", "2", "501"), Lines: []orders.Line{veg}, TotalFen: 10000, Status: orders.StatusCancelled,
			Channel: orders.ChannelWeChat, PlacedBy: "o-zhang", CreatedAt: at.Add(time.Minute),
			Pay:     orders.Payment{Status: orders.PayRefunded, Method: orders.PayCode, PaidFen: 10000, RefundedFen: 10000},
			History: []orders.Event{{At: at, Status: orders.StatusPending}, {At: at.Add(2 * time.Minute), Status: orders.StatusCancelled, By: "o-zhang", Note: "住户不要了"}}},
		{ID: "1001", Grid: "G1", Address: a("3", "2", "501"), Lines: []orders.Line{egg}, TotalFen: 2850, Status: orders.StatusPending,
			Channel: orders.ChannelWeChat, PlacedBy: "o-zhang", CreatedAt: at},
		{ID: "998", Grid: "G1", Address: a("5", "1", "101"), Lines: []orders.Line{veg}, TotalFen: 10000, Status: orders.StatusReceived,
			Channel: orders.ChannelWeChat, PlacedBy: "o-li", CreatedAt: at.Add(-time.Hour)},
	}
}

// ledgerNames is the office's knowledge of people: a name for a lead and
// a volunteer, only the role of another; residents are nobody to it.
func ledgerNames(id string) (name, role string) {
	switch id {
	case "o-lead-3":
		return "王阿姨", "楼栋长"
	case "o-vol-1":
		return "小林", "志愿者"
	case "o-vol-2":
		return "", "志愿者"
	case "admin-token":
		return "管理员令牌", ""
	}
	return "", ""
}

func TestLedgerCSV(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	var buf bytes.Buffer
	if err := LedgerCSV(&buf, LedgerRows(ledgerFixture(), ledgerNames), sh); err != nil {
		t.Fatal(err)
	}
	golden(t, "ledger.csv.golden", buf.Bytes())
	rows := readCSV(t, buf.Bytes())
	if strings.Join(rows[0], ",") != strings.Join(ledgerHeader, ",") {
		t.Errorf("first row %q, want the header", rows[0])
	}
	var ids []string
	for _, r := range rows[1 : len(rows)-1] {
		ids = append(ids, r[0])
	}
	if got := strings.Join(ids, " "); got != "998 1001 1002 1003 1003 1003 1004 1005 1006" {
		t.Errorf("rows by order number: %s", got)
	}
	for _, id := range []string{"o-zhang", "o-lead-3", "o-vol-1", "o-vol-2", "o-wang", "o-li", "admin-token"} {
		if strings.Contains(buf.String(), id) {
			t.Errorf("the ledger shows the openid %s", id)
		}
	}
	total := rows[len(rows)-1]
	if total[0] != "合计" || total[8] != "385.50" {
		t.Errorf("total row %q: want 合计 and 385.50 (cancelled 1002 left out)", total)
	}
}

// TestLedgerXLSX: the same rows as the CSV, with date cells, numbers and
// text cells as Excel reads them.
func TestLedgerXLSX(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	var buf bytes.Buffer
	if err := LedgerXLSX(&buf, "2026-11-24", LedgerRows(ledgerFixture(), ledgerNames), sh); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	golden(t, "ledger.xlsx.golden", []byte(dumpSheet(t, f, SheetLedger)))
	if props, err := f.GetDocProps(); err != nil || props.Title != "台账 2026-11-24" {
		t.Errorf("title %+v %v", props, err)
	}
	if panes, err := f.GetPanes(SheetLedger); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	// 下单时间 is a date: Excel's serial of 2026-11-24 08:30, the
	// time on the community's clock.
	v, err := f.GetCellValue(SheetLedger, "B2", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "46350.35416666"; !strings.HasPrefix(v, want) {
		t.Errorf("B2 raw %s, want the serial %s…", v, want)
	}
}

// dumpSheet renders every cell of sheet as Excel shows it, with its kind:
// text, a number, or a date with its format.
func dumpSheet(t *testing.T, f *excelize.File, sheet string) string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for r, row := range rows {
		for c := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			shown, _ := f.GetCellValue(sheet, cell)
			if shown == "" {
				b.WriteString("·")
			} else {
				typ, _ := f.GetCellType(sheet, cell)
				kind := "text"
				if typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber {
					kind = "number"
					if id, _ := f.GetCellStyle(sheet, cell); id != 0 {
						if st, _ := f.GetStyle(id); st != nil && st.CustomNumFmt != nil {
							kind = "date " + *st.CustomNumFmt
						}
					}
				}
				fmt.Fprintf(&b, "%s [%s]", shown, kind)
			}
			if c < len(row)-1 {
				b.WriteString(" | ")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
