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
	// CollectedFen is what people actually handed over for the
	// supplier's goods, Collectors by whom (their openid, "" for
	// unknown), UnpaidFen what delivered goods still wait to be paid,
	// RefundDueFen what is owed back (goods not packed, orders cancelled
	// after paying), RefundedFen what was given back: the supplier nets
	// CollectedFen - RefundDueFen - RefundedFen.
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
	// CollectedFen, RefundDueFen and RefundedFen are the supplier's part
	// of the money handed over for the order, owed back and given back.
	CollectedFen int64 `json:"collected_fen"`
	RefundDueFen int64 `json:"refund_due_fen"`
	RefundedFen  int64 `json:"refunded_fen"`
}

// BuildSettlement is supplier's settlement of day from list (the day's
// orders; cancelled ones count only for the money in them). The money of
// an order of several suppliers is shared by what was ordered from each
// (its lines and what was cut); what is still owed, by what each
// delivers.
func BuildSettlement(cat *catalog.Catalog, list []Order, supplier, day string) Settlement {
	st := Settlement{Supplier: supplier, Day: day, Collectors: map[string]int64{}}
	ofSupplier := func(ls []Line) ([]Line, int64, int64) {
		var out []Line
		var v, all int64
		for _, l := range ls {
			all += l.PriceFen * int64(l.Qty)
			if it, ok := cat.Item(l.SKU); ok && it.Supplier == supplier {
				out = append(out, l)
				v += l.PriceFen * int64(l.Qty)
			}
		}
		return out, v, all
	}
	for _, o := range list {
		if o.Day != day {
			continue
		}
		lines, value, valueAll := ofSupplier(o.Lines)
		_, cut, cutAll := ofSupplier(o.Cut)
		if len(lines) == 0 && cut == 0 {
			continue
		}
		ordered, orderedAll := value+cut, valueAll+cutAll
		share := func(fen int64) int64 {
			if orderedAll == 0 || ordered == orderedAll {
				return fen
			}
			return fen * ordered / orderedAll
		}
		if o.Status == StatusCancelled {
			value, valueAll, lines = 0, 0, nil
		}
		row := SettlementRow{Order: o, Lines: lines, ValueFen: value, CutFen: cut,
			RefundDueFen: share(o.Pay.RefundFen), RefundedFen: share(o.Pay.RefundedFen)}
		switch o.Status {
		case StatusDelivered, StatusReceived:
			st.DeliveredFen += value
			if owed := o.Owed(); owed > 0 && valueAll > 0 {
				st.UnpaidFen += owed * value / valueAll
			}
		case StatusPending, StatusAssigned, StatusAwaitingRx:
			st.ToDeliverFen += value
		}
		// What people handed over, by whom, and what goes back.
		for _, c := range o.Pay.Collected() {
			row.CollectedFen += share(c.Fen)
			st.Collectors[c.By] += share(c.Fen)
		}
		st.CollectedFen += row.CollectedFen
		st.RefundDueFen += row.RefundDueFen
		st.RefundedFen += row.RefundedFen
		st.Rows = append(st.Rows, row)
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
