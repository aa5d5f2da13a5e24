package orders

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/baogong/baogong/catalog"
)

// Money goes by hand in a lockdown: cash or a WeChat transfer at the door
// (货到付款), the building's lead collecting in the group (群收款) and
// paying the supermarket, or the supplier's own payment code (收款码).
// baogong records who has paid, what each supplier is owed and who gets
// money back; it moves no money itself.

// PayMethod is how a household pays for an order.
type PayMethod string

// Ways to pay.
const (
	// PayAtDoor: cash or a transfer to the volunteer or the supplier when
	// the goods arrive (货到付款).
	PayAtDoor PayMethod = "cod"
	// PayGroup: the building's lead collects in the group (群收款).
	PayGroup PayMethod = "group"
	// PayCode: to the supplier's payment code, sent with the order.
	PayCode PayMethod = "code"
)

// Valid reports whether m is a known method.
func (m PayMethod) Valid() bool { return m == PayAtDoor || m == PayGroup || m == PayCode }

// PayStatus is where an order's money stands.
type PayStatus string

// Payment statuses. They only name where an order's money stands (see
// Rebalance): unpaid → (claimed →) paid → (refund_due →) refunded; an
// order that costs nothing is free.
const (
	// PayUnpaid: something is still owed (Owed), perhaps after part was
	// paid before the order grew.
	PayUnpaid PayStatus = "unpaid" // 未付
	// PayClaimed: the resident says they paid (已付款 1001, ClaimedFen);
	// someone who took the money confirms it.
	PayClaimed PayStatus = "claimed" // 待确认
	PayPaid    PayStatus = "paid"    // 已付
	PayFree    PayStatus = "free"    // 免付
	// PayRefundDue: more was handed over than the order is worth now
	// (goods cut, the order cancelled): RefundFen is owed back.
	PayRefundDue PayStatus = "refund_due" // 待退
	// PayRefunded: what was owed back was given back (RefundedFen), and
	// nothing is owed either way.
	PayRefunded PayStatus = "refunded" // 已退
)

// The money of an order keeps three rules, whatever happens to the order
// (paid, changed, cut, cancelled, refunded), and nothing else decides it:
//
//	collected  PaidFen     = what people actually handed over, in all;
//	owed back  RefundFen   = collected − given back (RefundedFen) − what
//	                         the order is worth now (Value: its goods after
//	                         cuts and changes, nothing once cancelled),
//	                         when that is above zero;
//	still owed Owed()      = the same difference the other way.
//
// Every step that changes an order's goods or money ends in Rebalance,
// and every change of Pay is audited with who made it (package actions).

// Payment is what an order's household paid, and who says so.
type Payment struct {
	Status PayStatus `json:"status"`
	Method PayMethod `json:"method,omitempty"`
	// PaidFen is what was collected, in all (the sum of Collections);
	// RefundedFen what was given back, in all (of Refunds); RefundFen
	// what is owed back now.
	PaidFen     int64 `json:"paid_fen,omitempty"`
	RefundFen   int64 `json:"refund_fen,omitempty"`
	RefundedFen int64 `json:"refunded_fen,omitempty"`
	// ClaimedFen is what the household said it paid (待确认), until
	// someone who took the money confirms it.
	ClaimedFen int64 `json:"claimed_fen,omitempty"`
	// By is who confirmed the latest collection (openid, or the admin
	// token), At when; Collections are every sum collected, Refunds every
	// sum given back, each with who and when.
	By          string     `json:"by,omitempty"`
	At          time.Time  `json:"at,omitzero"`
	Collections []Handover `json:"collections,omitempty"`
	Refunds     []Handover `json:"refunds,omitempty"`
}

// UnmarshalJSON reads a payment, as written now or before RefundedFen was
// kept apart: a refunded order then held what was given back in
// RefundFen, which must not read as owed back again.
func (p *Payment) UnmarshalJSON(b []byte) error {
	type plain Payment
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	if p.Status == PayRefunded && p.RefundedFen == 0 && p.RefundFen > 0 {
		p.RefundedFen, p.RefundFen = p.RefundFen, 0
	}
	return nil
}

// Handover is one sum of money handed over: to whoever collected it, or
// back to the household.
type Handover struct {
	Fen    int64     `json:"fen"`
	Method PayMethod `json:"method,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Collected returns every sum collected for the order, with who took it
// (an order recorded before Collections were kept: PaidFen by By).
func (p Payment) Collected() []Handover {
	if len(p.Collections) == 0 && p.PaidFen > 0 {
		return []Handover{{Fen: p.PaidFen, Method: p.Method, By: p.By, At: p.At}}
	}
	return p.Collections
}

// Held is what the household has in the order now: collected less given
// back.
func (p Payment) Held() int64 { return p.PaidFen - p.RefundedFen }

// LastRefund is the latest sum given back (0: none).
func (p Payment) LastRefund() int64 {
	if len(p.Refunds) == 0 {
		return p.RefundedFen
	}
	return p.Refunds[len(p.Refunds)-1].Fen
}

// NewPayment is the payment of a new order of total fen paid by method:
// free when it costs nothing, else unpaid.
func NewPayment(total int64, method PayMethod) Payment {
	if total == 0 {
		return Payment{Status: PayFree}
	}
	return Payment{Status: PayUnpaid, Method: method}
}

// Value is what o is worth now: its total, nothing once cancelled.
func (o *Order) Value() int64 {
	if o.Status == StatusCancelled {
		return 0
	}
	return o.TotalFen
}

// Owed is what the household still owes for o: its value less what it
// has in it (nothing once paid, free or cancelled).
func (o *Order) Owed() int64 { return max(o.Value()-o.Pay.Held(), 0) }

// ToCollect is what a volunteer takes at the door for o: what an order
// paid at the door (货到付款) still owes, unless the household said it
// paid and that waits to be confirmed (it is not asked twice). Orders
// paid to the lead (群收款) or by payment code are not collected at the
// door.
func (o *Order) ToCollect() int64 {
	if o.Pay.Status != PayUnpaid || (o.Pay.Method != PayAtDoor && o.Pay.Method != "") {
		return 0
	}
	return o.Owed()
}

// Rebalance sets o's payment status and what is owed back from what was
// handed over and what o is worth now (the rules above). Every change of
// an order's goods (new lines, a cut, a cancel) calls it.
func (o *Order) Rebalance() {
	p := &o.Pay
	value, held := o.Value(), p.Held()
	p.RefundFen = max(held-value, 0)
	switch {
	case p.RefundFen > 0:
		p.Status = PayRefundDue
	case held < value && p.Status == PayClaimed:
		// Still waiting for whoever took the money to say so.
	case held < value:
		p.Status = PayUnpaid
	case p.PaidFen == 0:
		// Nothing handed over, nothing owed: free, or cancelled before
		// anyone paid (its status says where it stood).
		if value == 0 && o.Status != StatusCancelled {
			p.Status = PayFree
		}
	case p.RefundedFen > 0:
		p.Status = PayRefunded
	default:
		p.Status = PayPaid
	}
}

// PaymentError says why a payment change was refused, in words of its
// own: the order's state, or an amount that does not match.
type PaymentError struct {
	Order Order
	// Want is what the order costs, Got what was said (amount mismatch).
	Want, Got int64
	Why       error
}

func (e *PaymentError) Error() string {
	if e.Got != 0 || e.Want != 0 {
		return fmt.Sprintf("order %s: collected %d, costs %d: %v", e.Order.ID, e.Got, e.Want, e.Why)
	}
	return fmt.Sprintf("order %s: payment %s: %v", e.Order.ID, e.Order.Pay.Status, e.Why)
}

func (e *PaymentError) Unwrap() error { return e.Why }

// ErrAmount: the amount said does not match what the order costs.
var ErrAmount = fmt.Errorf("the amount does not match: %w", ErrInvalid)

// MarkPaid records that o's household handed over paid fen by method
// (confirmed by by at at). paid 0 means what is due: what the household
// said it paid when it did (待确认), else what it owes. An order that owes
// nothing (paid, free, cancelled) is ErrConflict, unless the household
// said it paid; an amount other than what it owes or said it paid is
// ErrAmount: nothing changes. Money beyond the order's worth (a claim made
// before a cut) is owed back.
func MarkPaid(o *Order, paid int64, method PayMethod, by string, at time.Time) error {
	owed := o.Owed()
	claimed := o.Pay.Status == PayClaimed && o.Pay.ClaimedFen > 0
	want := owed
	if claimed {
		want = o.Pay.ClaimedFen
	}
	switch {
	case want == 0:
		return &PaymentError{Order: *o, Why: ErrConflict}
	case paid == 0:
		paid = want
	case paid != want && paid != owed:
		return &PaymentError{Order: *o, Want: want, Got: paid, Why: ErrAmount}
	}
	if method == "" {
		method = o.Pay.Method
	}
	p := &o.Pay
	p.Collections = append(append([]Handover(nil), p.Collected()...), Handover{Fen: paid, Method: method, By: by, At: at})
	p.Method, p.By, p.At, p.ClaimedFen = method, by, at, 0
	p.PaidFen += paid
	o.Rebalance()
	return nil
}

// ClaimPaid records the household's word that it paid what it owes
// (待确认): an order that owes nothing, or said so already, is ErrConflict.
func ClaimPaid(o *Order, by string, at time.Time) error {
	owed := o.Owed()
	if owed == 0 || o.Pay.Status == PayClaimed {
		return &PaymentError{Order: *o, Why: ErrConflict}
	}
	o.Pay.Status, o.Pay.ClaimedFen = PayClaimed, owed
	o.History = append(o.History, Event{At: at, Status: o.Status, By: by, Note: "住户说已付款"})
	return nil
}

// MarkRefunded records that the money owed back on o was given back, by
// by at at: an order with nothing owed back is ErrConflict (nothing is
// refunded twice). Who collected stays as it was.
func MarkRefunded(o *Order, by string, at time.Time) error {
	due := o.Pay.RefundFen
	if due <= 0 {
		return &PaymentError{Order: *o, Why: ErrConflict}
	}
	p := &o.Pay
	p.RefundedFen += due
	p.Refunds = append(append([]Handover(nil), p.Refunds...), Handover{Fen: due, Method: p.Method, By: by, At: at})
	o.Rebalance()
	return nil
}

// PayMethodOf is how o's household pays: the way of the suppliers of its
// priced lines (cod when they say none). An order whose suppliers pay
// different ways (or to different codes) is paid at the door, whole: one
// supplier's code must not take another supplier's money.
func PayMethodOf(cat *catalog.Catalog, lines []Line) (PayMethod, string) {
	method, code, first := PayAtDoor, "", true
	for _, l := range lines {
		if l.PriceFen == 0 {
			continue // free goods: nobody pays for them
		}
		m, c := PayAtDoor, ""
		if it, ok := cat.Item(l.SKU); ok && it.Supplier != "" {
			if sup, ok := cat.Supplier(it.Supplier); ok && sup.Payment != "" {
				m, c = PayMethod(sup.Payment), sup.PaymentCode
			}
		}
		switch {
		case first:
			method, code, first = m, c, false
		case m != method || c != code:
			return PayAtDoor, ""
		}
	}
	return method, code
}
