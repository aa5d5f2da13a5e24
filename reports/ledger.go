package reports

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baogong/baogong/orders"
)

// SheetLedger is the XLSX ledger's sheet.
const SheetLedger = "台账"

// ledgerHeader heads the ledger (台账) in CSV and XLSX alike: the first
// row of both, nothing above it.
var ledgerHeader = []string{"订单号", "下单时间", "住户", "网格", "商品", "数量", "单位", "单价（元）", "金额（元）",
	"急", "代下", "状态", "下单人", "送达人", "送达时间", "备注", "付款方式", "付款", "已收（元）", "待退（元）", "已退（元）"}

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
	orders.ChannelVoice:        "居民语音下单",
	orders.ChannelJielong:      "楼栋长代下",
	orders.ChannelDistribution: "免费发放",
	orders.ChannelAdmin:        "社区代下",
}

// placers name who placed an order in the ledger, by channel: the
// resident themselves, or whoever ordered for the household.
var placers = map[string]string{
	orders.ChannelWeChat:       "居民",
	orders.ChannelVoice:        "居民（语音）",
	orders.ChannelJielong:      "楼栋长代下",
	orders.ChannelDistribution: "免费发放",
	orders.ChannelAdmin:        "社区代下",
}

// LedgerRow is one line of one order in the ledger: the order's fields
// repeat on each of its lines, so the sheet can be filtered and summed.
type LedgerRow struct {
	OrderID   string
	PlacedAt  time.Time
	Household string // 3栋2单元501
	Grid      string
	Item      string
	Qty       int
	Unit      string
	// PriceFen is the unit price, AmountFen the line's (Qty × PriceFen).
	PriceFen, AmountFen int64
	// Urgent: the order skipped the queue (急). Proxy: someone ordered
	// for the household (a lead's 接龙, the office): 代下.
	Urgent, Proxy bool
	Status        string
	// Cancelled lines are listed but left out of the total.
	Cancelled   bool
	PlacedBy    string // 居民, 楼栋长代下（王阿姨）, 免费发放
	DeliveredBy string // the office's name for them, or their role
	DeliveredAt time.Time
	// Note is why it was cancelled, or what was said when it was
	// delivered.
	Note string
	// Cut: the supplier could not pack this line (缺货); listed, left out
	// of the total, its money owed back when it was paid.
	Cut bool
	// Money: how the order is paid and where its money stands; the
	// amounts are the order's and stand on its first row only, so a
	// column sums to what was collected and owed back.
	PayMethod, PayStatus               string
	First                              bool
	PaidFen, RefundDueFen, RefundedFen int64
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

// Who says who a person is for the office: the name it noted and their
// role here (志愿者, 楼栋长), either "" when unknown; never their openid.
type Who func(openid string) (name, role string)

// LedgerRows makes the ledger of list: one row per order line, orders by
// their number (as numbers: 998 before 1001). who names people (nil:
// nobody is known); an openid is never printed in the ledger.
func LedgerRows(list []orders.Order, who Who) []LedgerRow {
	if who == nil {
		who = func(string) (string, string) { return "", "" }
	}
	// An id that went for good left a name in its place.
	known := who
	who = func(id string) (string, string) {
		if name, ok := orders.KeptName(id); ok {
			return name, ""
		}
		return known(id)
	}
	sorted := slices.Clone(list)
	slices.SortStableFunc(sorted, func(a, b orders.Order) int { return compareIDs(a.ID, b.ID) })
	var rows []LedgerRow
	for _, o := range sorted {
		base := LedgerRow{
			OrderID: o.ID, PlacedAt: o.CreatedAt, Household: o.Address.String(), Grid: o.Grid,
			Urgent: o.Urgent, Proxy: o.Channel == orders.ChannelJielong || o.Channel == orders.ChannelAdmin,
			Status: StatusNames[o.Status], Cancelled: o.Status == orders.StatusCancelled, PlacedBy: placer(o, who),
		}
		if d, ok := Delivery(o); ok {
			name, role := who(d.By)
			base.DeliveredBy, base.DeliveredAt, base.Note = cmp.Or(name, role), d.At, d.Note
		}
		if o.Status == orders.StatusCancelled && len(o.History) > 0 {
			base.Note = o.History[len(o.History)-1].Note
		}
		base.PayMethod, base.PayStatus = PayMethodNames[o.Pay.Method], PayNames[o.Pay.Status]
		first := true
		add := func(l orders.Line, cut bool) {
			r := base
			r.Item, r.Qty, r.Unit, r.PriceFen, r.AmountFen = l.Name, l.Qty, l.Unit, l.PriceFen, l.PriceFen*int64(l.Qty)
			if r.Cut = cut; cut {
				r.Status = textCutStatus
			}
			if first {
				r.First, r.PaidFen = true, o.Pay.PaidFen
				r.RefundDueFen, r.RefundedFen = o.Pay.RefundFen, o.Pay.RefundedFen
				first = false
			}
			rows = append(rows, r)
		}
		for _, l := range o.Lines {
			add(l, false)
		}
		for _, l := range o.Cut {
			add(l, true)
		}
	}
	return rows
}

// placer says who placed o: 居民 for a resident's own order, else how it
// was placed for the household, with the placer's name when the office
// noted one.
func placer(o orders.Order, who Who) string {
	p, ok := placers[o.Channel]
	if !ok {
		p = "其他"
	}
	if o.Channel == orders.ChannelJielong || o.Channel == orders.ChannelAdmin {
		if name, _ := who(o.PlacedBy); name != "" {
			p += "（" + name + "）"
		}
	}
	return p
}

// compareIDs orders order numbers as numbers, then as text.
func compareIDs(a, b string) int {
	na, ea := strconv.ParseInt(a, 10, 64)
	nb, eb := strconv.ParseInt(b, 10, 64)
	if ea == nil && eb == nil {
		return cmp.Compare(na, nb)
	}
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// ledgerTime is how times read in the CSV ledger, and the number format
// of their date cells in the XLSX one.
const (
	ledgerTime    = "2006-01-02 15:04"
	ledgerTimeFmt = "yyyy-mm-dd hh:mm"
)

// cells renders r for CSV and XLSX: times in loc as time.Time values
// (dates in XLSX, text in CSV), money in yuan as numbers.
func (r LedgerRow) cells(loc *time.Location) []any {
	var delivered any
	if !r.DeliveredAt.IsZero() {
		delivered = r.DeliveredAt.In(loc)
	}
	money := func(fen int64) any {
		if !r.First || fen == 0 {
			return ""
		}
		return yuanCell(fen)
	}
	return []any{numberOrText(r.OrderID), r.PlacedAt.In(loc), r.Household, numberOrText(r.Grid), r.Item, r.Qty, r.Unit,
		yuanCell(r.PriceFen), yuanCell(r.AmountFen), flagCell(r.Urgent, "急"), flagCell(r.Proxy, "代下"), r.Status, r.PlacedBy,
		r.DeliveredBy, delivered, r.Note, r.PayMethod, r.PayStatus, money(r.PaidFen), money(r.RefundDueFen), money(r.RefundedFen)}
}

// textCutStatus is the status of a line the supplier could not pack.
const textCutStatus = "缺货未送"

func flagCell(on bool, word string) string {
	if on {
		return word
	}
	return ""
}

// totalRow is the ledger's last row: the number of orders, the sum of
// the lines neither cancelled nor cut, and the money collected and owed
// back.
func totalRow(rows []LedgerRow) []any {
	var sum, paid, due, refunded int64
	all, cancelled := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		all[r.OrderID] = true
		paid, due, refunded = paid+r.PaidFen, due+r.RefundDueFen, refunded+r.RefundedFen
		if r.Cancelled {
			cancelled[r.OrderID] = true
			continue
		}
		if !r.Cut {
			sum += r.AmountFen
		}
	}
	what := fmt.Sprintf("共%d单", len(all))
	if len(cancelled) > 0 {
		what += fmt.Sprintf("，其中已取消%d单不计入金额", len(cancelled))
	}
	row := make([]any, len(ledgerHeader))
	row[0], row[4], row[8] = "合计", what, yuanCell(sum)
	row[18], row[19], row[20] = yuanCell(paid), yuanCell(due), yuanCell(refunded)
	return row
}

// LedgerCSV writes the ledger as CSV for Excel (a BOM, CRLF): the
// header, one row per order line, then the total row.
func LedgerCSV(w io.Writer, rows []LedgerRow, loc *time.Location) error {
	cw, err := newExcelCSV(w)
	if err != nil {
		return err
	}
	cw.write(stringsRow(ledgerHeader))
	for _, r := range rows {
		cw.write(r.cells(loc))
	}
	cw.write(totalRow(rows))
	return cw.flush()
}

// LedgerXLSX writes the ledger of day as a workbook with one sheet, 台账,
// the same rows as LedgerCSV: a bold frozen header, order numbers,
// quantities and money as numbers, 下单时间 and 送达时间 as date cells.
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
	cells := make([][]any, 0, len(rows)+1)
	for _, r := range rows {
		cells = append(cells, r.cells(loc))
	}
	cells = append(cells, totalRow(rows))
	if err := writeSheet(f, SheetLedger, ledgerHeader, cells, bold); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: "台账 " + day, Creator: "baogong"}); err != nil {
		return err
	}
	return f.Write(w)
}
