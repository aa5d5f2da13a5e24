package orders

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
)

// TestMoneyRules replays what happens to orders and checks the three
// rules of an order's money: collected is what was handed over, owed back
// and still owed are the difference to what the order is worth now.
func TestMoneyRules(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	veg := func(n int) []Line {
		return []Line{{SKU: "VEG", Name: "蔬菜包", Unit: "份", Qty: n, PriceFen: 5000}}
	}
	type step func(o *Order) error
	pay := func(fen int64, by string) step {
		return func(o *Order) error { return MarkPaid(o, fen, PayAtDoor, by, at) }
	}
	claim := func(o *Order) error { return ClaimPaid(o, "r1", at) }
	refund := func(o *Order) error { return MarkRefunded(o, "staff", at) }
	cut := func(n int) step {
		return func(o *Order) error { _, err := ApplyCut(o, "VEG", n, "sm", "缺货", at); return err }
	}
	lines := func(n int) step {
		return func(o *Order) error { o.Lines, o.TotalFen = veg(n), 5000*int64(n); o.Rebalance(); return nil }
	}
	cancel := func(o *Order) error { o.Status = StatusCancelled; o.Rebalance(); return nil }
	for _, tc := range []struct {
		name  string
		steps []step
		// errAt is the step that must fail (-1: none).
		errAt                        int
		status                       PayStatus
		paid, refundDue, given, owed int64
		collectors                   map[string]int64
	}{
		{"paid at the door", []step{pay(0, "vol")}, -1, PayPaid, 10000, 0, 0, 0, map[string]int64{"vol": 10000}},
		{"a wrong amount", []step{pay(4000, "vol")}, 0, PayUnpaid, 0, 0, 0, 10000, nil},
		{"paid twice", []step{pay(0, "vol"), pay(0, "lead")}, 1, PayPaid, 10000, 0, 0, 0, map[string]int64{"vol": 10000}},
		{"grown after paying", []step{pay(0, "lead"), lines(3)}, -1, PayUnpaid, 10000, 0, 0, 5000, map[string]int64{"lead": 10000}},
		{"grown, the rest paid", []step{pay(0, "lead"), lines(3), pay(5000, "vol")}, -1, PayPaid, 15000, 0, 0, 0, map[string]int64{"lead": 10000, "vol": 5000}},
		{"shrunk after paying", []step{pay(0, "lead"), lines(1)}, -1, PayRefundDue, 10000, 5000, 0, 0, nil},
		{"cancelled after paying", []step{pay(0, "lead"), cancel}, -1, PayRefundDue, 10000, 10000, 0, 0, nil},
		{"cancelled unpaid", []step{cancel}, -1, PayUnpaid, 0, 0, 0, 0, nil},
		{"cut before paying", []step{cut(1), pay(0, "vol")}, -1, PayPaid, 5000, 0, 0, 0, map[string]int64{"vol": 5000}},
		{"cut after paying", []step{pay(0, "lead"), cut(1)}, -1, PayRefundDue, 10000, 5000, 0, 0, nil},
		{"refund keeps the collector", []step{pay(0, "lead"), cut(1), refund}, -1, PayRefunded, 10000, 0, 5000, 0, map[string]int64{"lead": 10000}},
		{"refunded twice", []step{pay(0, "lead"), cut(1), refund, refund}, 3, PayRefunded, 10000, 0, 5000, 0, nil},
		{"cut after a refund", []step{pay(0, "lead"), cut(1), refund, cut(1)}, -1, PayRefundDue, 10000, 5000, 5000, 0, nil},
		{"said paid, then cut, then confirmed", []step{claim, cut(1), pay(0, "lead")}, -1, PayRefundDue, 10000, 5000, 0, 0, map[string]int64{"lead": 10000}},
		{"said paid, confirmed as the new total", []step{claim, cut(1), pay(5000, "lead")}, -1, PayPaid, 5000, 0, 0, 0, nil},
		{"said paid twice", []step{claim, claim}, 1, PayClaimed, 0, 0, 0, 10000, nil},
		{"said paid, then cancelled, then confirmed", []step{claim, cancel, pay(0, "lead")}, -1, PayRefundDue, 10000, 10000, 0, 0, nil},
		{"cut from a delivered order", []step{func(o *Order) error { o.Status = StatusDelivered; return nil }, cut(1)}, 1, PayUnpaid, 0, 0, 0, 10000, nil},
		{"cut to nothing", []step{pay(0, "lead"), cut(2)}, -1, PayRefundDue, 10000, 10000, 0, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Order{ID: "1001", Lines: veg(2), TotalFen: 10000, Status: StatusPending, Pay: NewPayment(10000, PayAtDoor)}
			for i, s := range tc.steps {
				err := s(&o)
				if (err != nil) != (i == tc.errAt) {
					t.Fatalf("step %d: err %v", i, err)
				}
			}
			p := o.Pay
			if p.Status != tc.status || p.PaidFen != tc.paid || p.RefundFen != tc.refundDue || p.RefundedFen != tc.given || o.Owed() != tc.owed {
				t.Errorf("%s paid %d owed back %d given back %d owes %d; want %s %d %d %d %d",
					p.Status, p.PaidFen, p.RefundFen, p.RefundedFen, o.Owed(), tc.status, tc.paid, tc.refundDue, tc.given, tc.owed)
			}
			if p.Held()-o.Value() != p.RefundFen-o.Owed() {
				t.Errorf("held %d, worth %d: owed back %d, owes %d", p.Held(), o.Value(), p.RefundFen, o.Owed())
			}
			if tc.collectors != nil {
				got := map[string]int64{}
				for _, c := range p.Collected() {
					got[c.By] += c.Fen
				}
				if len(got) != len(tc.collectors) {
					t.Errorf("collectors %v, want %v", got, tc.collectors)
				}
				for by, fen := range tc.collectors {
					if got[by] != fen {
						t.Errorf("collectors %v, want %v", got, tc.collectors)
					}
				}
			}
		})
	}
}

func TestMarkPaidWrongAmountSaysWhatIsDue(t *testing.T) {
	o := Order{ID: "1001", TotalFen: 10000, Status: StatusPending, Pay: NewPayment(10000, PayAtDoor)}
	var pe *PaymentError
	if err := MarkPaid(&o, 4000, PayAtDoor, "vol", time.Now()); !errors.As(err, &pe) || !errors.Is(err, ErrAmount) || pe.Want != 10000 {
		t.Errorf("wrong amount: %v", err)
	}
}

func TestPayMethodOf(t *testing.T) {
	cat, err := catalog.New([]catalog.Supplier{
		{ID: "sm", Name: "超市", Kind: "supermarket"},
		{ID: "gp", Name: "团购", Kind: "supermarket", Payment: "group"},
		{ID: "gp2", Name: "团购二", Kind: "supermarket", Payment: "group"},
		{ID: "qr", Name: "奶站", Kind: "supermarket", Payment: "code", PaymentCode: "https://pay.example/qr.png"},
		{ID: "qr2", Name: "肉铺", Kind: "supermarket", Payment: "code", PaymentCode: "https://pay.example/meat.png"},
	}, []catalog.Item{
		{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000, Supplier: "sm"},
		{SKU: "FREE", Name: "政府蔬菜包", Unit: "份", PriceFen: 0, Supplier: "sm"},
		{SKU: "EGG", Name: "鸡蛋", Unit: "盒", PriceFen: 3000, Supplier: "gp"},
		{SKU: "RICE", Name: "大米", Unit: "袋", PriceFen: 3000, Supplier: "gp2"},
		{SKU: "MILK", Name: "牛奶", Unit: "箱", PriceFen: 6000, Supplier: "qr"},
		{SKU: "MEAT", Name: "猪肉", Unit: "斤", PriceFen: 1800, Supplier: "qr2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	line := func(sku string, price int64) Line { return Line{SKU: sku, Qty: 1, PriceFen: price} }
	for _, tc := range []struct {
		name   string
		lines  []Line
		method PayMethod
		code   string
	}{
		{"one supplier's code", []Line{line("MILK", 6000)}, PayCode, "https://pay.example/qr.png"},
		{"the lead collects for both", []Line{line("EGG", 3000), line("RICE", 3000)}, PayGroup, ""},
		{"a code and cash", []Line{line("MILK", 6000), line("VEG", 5000)}, PayAtDoor, ""},
		{"cash and a code", []Line{line("VEG", 5000), line("MILK", 6000)}, PayAtDoor, ""},
		{"two codes", []Line{line("MILK", 6000), line("MEAT", 1800)}, PayAtDoor, ""},
		{"a code and the lead", []Line{line("MILK", 6000), line("EGG", 3000)}, PayAtDoor, ""},
		{"free goods pay nobody", []Line{line("FREE", 0), line("MILK", 6000)}, PayCode, "https://pay.example/qr.png"},
	} {
		if m, c := PayMethodOf(cat, tc.lines); m != tc.method || c != tc.code {
			t.Errorf("%s: %s %q, want %s %q", tc.name, m, c, tc.method, tc.code)
		}
	}
}

// TestPaymentWrittenBefore: a refunded order written before RefundedFen
// was kept apart reads as given back, not owed back again.
func TestPaymentWrittenBefore(t *testing.T) {
	var p Payment
	if err := json.Unmarshal([]byte(`{"status":"refunded","method":"group","paid_fen":10000,"refund_fen":5000,"by":"staff"}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.RefundFen != 0 || p.RefundedFen != 5000 {
		t.Errorf("read as owed back %d, given back %d", p.RefundFen, p.RefundedFen)
	}
	o := Order{ID: "1001", Lines: []Line{{SKU: "VEG", Qty: 1, PriceFen: 5000}}, TotalFen: 5000, Status: StatusPending, Pay: p}
	if err := MarkRefunded(&o, "lead", time.Now()); err == nil {
		t.Errorf("refunded twice")
	}
}

func TestToCollect(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Order
		want int64
	}{
		{"at the door", Order{TotalFen: 5000, Status: StatusAssigned, Pay: Payment{Status: PayUnpaid, Method: PayAtDoor}}, 5000},
		{"method not recorded", Order{TotalFen: 5000, Status: StatusAssigned, Pay: Payment{Status: PayUnpaid}}, 5000},
		{"the difference after a change", Order{TotalFen: 10000, Status: StatusAssigned, Pay: Payment{Status: PayUnpaid, Method: PayAtDoor, PaidFen: 5000}}, 5000},
		{"said paid, to confirm", Order{TotalFen: 5000, Status: StatusAssigned, Pay: Payment{Status: PayClaimed, Method: PayAtDoor}}, 0},
		{"paid", Order{TotalFen: 5000, Status: StatusAssigned, Pay: Payment{Status: PayPaid, Method: PayAtDoor, PaidFen: 5000}}, 0},
		{"to the lead", Order{TotalFen: 5000, Status: StatusAssigned, Pay: Payment{Status: PayUnpaid, Method: PayGroup}}, 0},
		{"by payment code", Order{TotalFen: 5000, Status: StatusAssigned, Pay: Payment{Status: PayUnpaid, Method: PayCode}}, 0},
		{"free", Order{Status: StatusAssigned, Pay: Payment{Status: PayFree}}, 0},
		{"cancelled", Order{TotalFen: 5000, Status: StatusCancelled, Pay: Payment{Status: PayUnpaid, Method: PayAtDoor}}, 0},
	} {
		if got := tc.o.ToCollect(); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
