package reports

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/baogong/baogong/orders"
)

// SheetSettlement is the XLSX settlement's sheet.
const SheetSettlement = "对账单"

// settlementHeader heads the settlement's rows (对账单), in CSV and XLSX.
var settlementHeader = []string{"订单号", "住户", "状态", "商品", "金额（元）", "付款", "付款方式", "收款人", "缺货未送（元）", "待退（元）"}

// PayNames say where an order's money stands.
var PayNames = map[orders.PayStatus]string{
	orders.PayUnpaid: "未付", orders.PayClaimed: "待确认", orders.PayPaid: "已付",
	orders.PayFree: "免付", orders.PayRefundDue: "待退", orders.PayRefunded: "已退",
}

// PayMethodNames name the ways to pay.
var PayMethodNames = map[orders.PayMethod]string{
	orders.PayAtDoor: "货到付款", orders.PayGroup: "群收款", orders.PayCode: "收款码",
}

// settlementRows are the rows of st, then its totals: what was
// delivered, collected (and by whom, named by name), unpaid, owed back.
func settlementRows(st orders.Settlement, name func(openid string) string) [][]any {
	var rows [][]any
	for _, r := range st.Rows {
		o := r.Order
		var by []string
		for _, c := range o.Pay.Collected() {
			if n := name(c.By); c.By != "" && !slices.Contains(by, n) {
				by = append(by, n)
			}
		}
		rows = append(rows, []any{numberOrText(o.ID), o.Address.String(), StatusNames[o.Status], orders.Goods(r.Lines),
			yuanCell(r.ValueFen), PayNames[o.Pay.Status], PayMethodNames[o.Pay.Method], strings.Join(by, "、"), yuanCell(r.CutFen), yuanCell(r.RefundDueFen)})
	}
	rows = append(rows, []any{},
		[]any{"送达金额", "", "", "", yuanCell(st.DeliveredFen)},
		[]any{"未送到", "", "", "", yuanCell(st.ToDeliverFen)},
		[]any{"已收", "", "", "", yuanCell(st.CollectedFen)})
	who := make([]string, 0, len(st.Collectors))
	for w := range st.Collectors {
		who = append(who, w)
	}
	sort.Strings(who)
	for _, w := range who {
		label := "未知"
		if w != "" {
			label = name(w)
		}
		rows = append(rows, []any{"其中 " + label + " 收", "", "", "", yuanCell(st.Collectors[w])})
	}
	return append(rows,
		[]any{"送达未收", "", "", "", yuanCell(st.UnpaidFen)},
		[]any{"待退住户", "", "", "", yuanCell(st.RefundDueFen)},
		[]any{"已退住户", "", "", "", yuanCell(st.RefundedFen)})
}

// yuanCell is fen as a number of yuan with two decimals, for a cell.
func yuanCell(fen int64) float64 { return float64(fen) / 100 }

// SettlementCSV writes st as CSV for Excel (UTF-8 with a byte-order mark,
// CRLF): a title row, the header, a row per order, then the totals.
func SettlementCSV(w io.Writer, st orders.Settlement, supplierName string, name func(openid string) string) error {
	cw, err := newExcelCSV(w)
	if err != nil {
		return err
	}
	cw.write([]any{"对账单", st.Day, supplierName})
	cw.write(stringsRow(settlementHeader))
	for _, r := range settlementRows(st, name) {
		for i, v := range r {
			if f, ok := v.(float64); ok {
				r[i] = fmt.Sprintf("%.2f", f)
			}
		}
		cw.write(r)
	}
	return cw.flush()
}

// SettlementXLSX writes st as one sheet, 对账单, amounts as numbers.
func SettlementXLSX(w io.Writer, st orders.Settlement, supplierName string, name func(openid string) string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetSettlement); err != nil {
		return err
	}
	style, err := headerStyle(f)
	if err != nil {
		return err
	}
	if err := writeSheet(f, SheetSettlement, settlementHeader, settlementRows(st, name), style); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: "对账单 " + st.Day + " " + supplierName, Creator: "baogong"}); err != nil {
		return err
	}
	return f.Write(w)
}
