package orders

import (
	"sort"
	"strconv"

	"github.com/baogong/baogong/catalog"
)

// A settlement (对账单) is what one supplier is owed for one order day:
// the goods delivered at their price, what was collected and by whom,
// what is still unpaid and what is owed back to households for goods the
// supplier could not pack. It is computed from the orders, never stored:
// it always agrees with them (and with the 台账).

// Settlement is one supplier's account of one order day.
type Settlement struct {
	Supplier string `json:"supplier"`
	Day      string `json:"day"`
	// Rows are the orders with the supplier's goods, by order number.
	Rows []SettlementRow `json:"rows"`
	// DeliveredFen is the value of the supplier's goods delivered (or
	// received); ToDeliverFen of those still on their way.
	DeliveredFen int64 `json:"delivered_fen"`
	ToDeliverFen int64 `json:"to_deliver_fen"`
	// CollectedFen is what was collected for the supplier's goods as
	// ordered, Collectors by whom (their openid, "" for unknown),
	// UnpaidFen what delivered goods still wait to be paid, RefundDueFen
	// what is owed back for goods not packed, RefundedFen what was given
	// back: the supplier nets CollectedFen - RefundDueFen - RefundedFen.
	CollectedFen int64            `json:"collected_fen"`
	Collectors   map[string]int64 `json:"collectors"`
	UnpaidFen    int64            `json:"unpaid_fen"`
	RefundDueFen int64            `json:"refund_due_fen"`
	RefundedFen  int64            `json:"refunded_fen"`
}

// SettlementRow is one order's part of a settlement: the supplier's lines
// only.
type SettlementRow struct {
	Order Order  `json:"-"`
	Lines []Line `json:"lines"`
	// ValueFen is the value of Lines; CutFen of the supplier's goods cut
	// from the order (a shortfall).
	ValueFen int64 `json:"value_fen"`
	CutFen   int64 `json:"cut_fen"`
}

// BuildSettlement is supplier's settlement of day from list (the day's
// orders; cancelled ones count only for what is owed back).
func BuildSettlement(cat *catalog.Catalog, list []Order, supplier, day string) Settlement {
	st := Settlement{Supplier: supplier, Day: day, Collectors: map[string]int64{}}
	ofSupplier := func(ls []Line) ([]Line, int64) {
		var out []Line
		var v int64
		for _, l := range ls {
			if it, ok := cat.Item(l.SKU); ok && it.Supplier == supplier {
				out = append(out, l)
				v += l.PriceFen * int64(l.Qty)
			}
		}
		return out, v
	}
	for _, o := range list {
		if o.Day != day {
			continue
		}
		lines, value := ofSupplier(o.Lines)
		_, cut := ofSupplier(o.Cut)
		if len(lines) == 0 && cut == 0 {
			continue
		}
		if o.Status == StatusCancelled {
			value = 0
			lines = nil
		}
		st.Rows = append(st.Rows, SettlementRow{Order: o, Lines: lines, ValueFen: value, CutFen: cut})
		switch o.Status {
		case StatusDelivered, StatusReceived:
			st.DeliveredFen += value
		case StatusPending, StatusAssigned, StatusAwaitingRx:
			st.ToDeliverFen += value
		}
		switch o.Pay.Status {
		case PayPaid, PayRefundDue, PayRefunded:
			// Collected for the goods as ordered: the cut part goes back
			// (RefundDue, Refunded).
			st.CollectedFen += value + cut
			st.Collectors[o.Pay.By] += value + cut
		case PayUnpaid, PayClaimed:
			if o.Status == StatusDelivered || o.Status == StatusReceived {
				st.UnpaidFen += value
			}
		}
		switch o.Pay.Status {
		case PayRefundDue:
			st.RefundDueFen += cut
		case PayRefunded:
			st.RefundedFen += cut
		}
	}
	sort.Slice(st.Rows, func(i, j int) bool { return idLess(st.Rows[i].Order.ID, st.Rows[j].Order.ID) })
	return st
}

// idLess orders order numbers as numbers (999 before 1001).
func idLess(a, b string) bool {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA != nil || errB != nil {
		return a < b
	}
	return x < y
}
