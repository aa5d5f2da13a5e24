package reports

import (
	"io"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baogong/baogong/orders"
)

// SheetLedger is the XLSX ledger's sheet.
const SheetLedger = "台账"

// ledgerHeader heads the ledger (台账) in CSV and XLSX alike.
var ledgerHeader = []string{"订单号", "下单时间", "住户", "网格", "商品", "金额（元）", "状态", "下单方式", "下单人", "送达人", "送达时间", "备注"}

// StatusNames are the order statuses as staff read them.
var StatusNames = map[orders.Status]string{
	orders.StatusAwaitingRx: "待审核处方",
	orders.StatusPending:    "待配送",
	orders.StatusAssigned:   "配送中",
	orders.StatusDelivered:  "已送达",
	orders.StatusReceived:   "已收到",
	orders.StatusCancelled:  "已取消",
}

// ChannelNames say how an order came in: who placed it.
var ChannelNames = map[string]string{
	orders.ChannelWeChat:       "居民下单",
	orders.ChannelJielong:      "楼栋长代下",
	orders.ChannelDistribution: "免费发放",
	orders.ChannelAdmin:        "社区代下",
}

// LedgerRow is one order in the ledger.
type LedgerRow struct {
	OrderID     string
	PlacedAt    time.Time
	Household   string // 3栋2单元501
	Grid        string
	Items       string // 蔬菜包2份、鸡蛋1盒
	AmountFen   int64
	Status      string
	Channel     string // 居民下单, 楼栋长代下, 免费发放
	PlacedBy    string
	DeliveredBy string
	DeliveredAt time.Time
	// Note is why it was cancelled, or what was said when it was
	// delivered.
	Note string
}

// Delivery returns who marked o delivered and when (its last such step),
// or false when it never was.
func Delivery(o orders.Order) (orders.Event, bool) {
	for i := len(o.History) - 1; i >= 0; i-- {
		if o.History[i].Status == orders.StatusDelivered {
			return o.History[i], true
		}
	}
	return orders.Event{}, false
}

// LedgerRows makes the ledger of list: one row per order, oldest first.
// name turns an openid into what people call them (nil: the openid).
func LedgerRows(list []orders.Order, name func(openid string) string) []LedgerRow {
	if name == nil {
		name = func(s string) string { return s }
	}
	rows := make([]LedgerRow, 0, len(list))
	for _, o := range list {
		r := LedgerRow{
			OrderID: o.ID, PlacedAt: o.CreatedAt, Household: o.Address.String(), Grid: o.Grid,
			Items: orders.Goods(o.Lines), AmountFen: o.TotalFen, Status: StatusNames[o.Status],
			Channel: ChannelNames[o.Channel], PlacedBy: name(o.PlacedBy),
		}
		if r.Channel == "" {
			r.Channel = o.Channel
		}
		if d, ok := Delivery(o); ok {
			r.DeliveredBy, r.DeliveredAt, r.Note = name(d.By), d.At, d.Note
		}
		if o.Status == orders.StatusCancelled && len(o.History) > 0 {
			r.Note = o.History[len(o.History)-1].Note
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b LedgerRow) int { return a.PlacedAt.Compare(b.PlacedAt) })
	return rows
}

// cells renders r for CSV and XLSX, times in loc.
func (r LedgerRow) cells(loc *time.Location) []any {
	delivered := ""
	if !r.DeliveredAt.IsZero() {
		delivered = r.DeliveredAt.In(loc).Format("2006-01-02 15:04")
	}
	return []any{numberOrText(r.OrderID), r.PlacedAt.In(loc).Format("2006-01-02 15:04"), r.Household, r.Grid, r.Items,
		float64(r.AmountFen) / 100, r.Status, r.Channel, r.PlacedBy, r.DeliveredBy, delivered, r.Note}
}

// LedgerCSV writes the ledger of day as CSV for Excel (a BOM, CRLF):
// a title row "台账, <day>", the header, then one row per order.
func LedgerCSV(w io.Writer, day string, rows []LedgerRow, loc *time.Location) error {
	cw, err := newExcelCSV(w)
	if err != nil {
		return err
	}
	cw.write([]any{"台账", day}, stringsRow(ledgerHeader))
	for _, r := range rows {
		cw.write(r.cells(loc))
	}
	return cw.flush()
}

// LedgerXLSX writes the ledger of day as a workbook with one sheet, 台账,
// the same columns as LedgerCSV: a bold frozen header, amounts and order
// numbers as numbers.
func LedgerXLSX(w io.Writer, day string, rows []LedgerRow, loc *time.Location) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), SheetLedger); err != nil {
		return err
	}
	bold, err := headerStyle(f)
	if err != nil {
		return err
	}
	cells := make([][]any, len(rows))
	for i, r := range rows {
		cells[i] = r.cells(loc)
	}
	if err := writeSheet(f, SheetLedger, ledgerHeader, cells, bold); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: "台账 " + day, Creator: "baogong"}); err != nil {
		return err
	}
	return f.Write(w)
}
