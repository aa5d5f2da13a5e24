package reports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baogong/baogong/orders"
)

func ledgerFixture() []orders.Order {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 24, 9, 30, 0, 0, sh)
	veg := []orders.Line{{SKU: "VEG", Name: "蔬菜包", Qty: 2, Unit: "份", PriceFen: 5000}}
	return []orders.Order{
		{ID: "1002", Grid: "G1", Address: orders.Address{Building: "3", Unit: "1", Room: "101"}, Lines: veg, TotalFen: 10000,
			Status: orders.StatusDelivered, Channel: orders.ChannelJielong, PlacedBy: "lead-3", CreatedAt: at.Add(time.Hour),
			History: []orders.Event{{At: at.Add(time.Hour), Status: orders.StatusPending, By: "lead-3"},
				{At: at.Add(5 * time.Hour), Status: orders.StatusDelivered, By: "vol-a", Note: "放门口"}}},
		{ID: "1001", Grid: "G1", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Lines: veg, TotalFen: 10000,
			Status: orders.StatusCancelled, Channel: orders.ChannelWeChat, PlacedBy: "=cmd|' /C calc'!A0", CreatedAt: at,
			History: []orders.Event{{At: at, Status: orders.StatusPending}, {At: at.Add(time.Minute), Status: orders.StatusCancelled, By: "staff", Note: "住户不要了"}}},
	}
}

func TestLedgerCSV(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	rows := LedgerRows(ledgerFixture(), func(id string) string {
		if id == "vol-a" {
			return "小林"
		}
		return id
	})
	var buf bytes.Buffer
	if err := LedgerCSV(&buf, "2026-11-24", rows, sh); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\ufeff台账,2026-11-24\r\n") {
		t.Fatalf("start %q", buf.String()[:40])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"台账", "2026-11-24"},
		ledgerHeader,
		{"1001", "2026-11-24 09:30", "3栋2单元501", "G1", "蔬菜包2份", "100.00", "已取消", "居民下单", "'=cmd|' /C calc'!A0", "", "", "住户不要了"},
		{"1002", "2026-11-24 10:30", "3栋1单元101", "G1", "蔬菜包2份", "100.00", "已送达", "楼栋长代下", "lead-3", "小林", "2026-11-24 14:30", "放门口"},
	}
	if len(recs) != len(want) {
		t.Fatalf("rows %q", recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, recs[i], want[i])
		}
	}
}

func TestLedgerXLSX(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	var buf bytes.Buffer
	if err := LedgerXLSX(&buf, "2026-11-24", LedgerRows(ledgerFixture(), nil), sh); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(SheetLedger)
	if err != nil || len(rows) != 3 || rows[0][0] != "订单号" || rows[1][2] != "3栋2单元501" || rows[2][9] != "vol-a" {
		t.Fatalf("rows %q %v", rows, err)
	}
	if typ, _ := f.GetCellType(SheetLedger, "F2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("amount cell type %v", typ)
	}
	if v, _ := f.GetCellValue(SheetLedger, "F2"); v != "100" {
		t.Errorf("amount %q", v)
	}
}
