package orders

import (
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

// Payment statuses. unpaid → (claimed →) paid → (refund_due →) refunded;
// an order that costs nothing is free.
const (
	PayUnpaid PayStatus = "unpaid" // 未付
	// PayClaimed: the resident says they paid (已付款 1001); someone who
	// took the money confirms it.
	PayClaimed PayStatus = "claimed" // 待确认
	PayPaid    PayStatus = "paid"    // 已付
	PayFree    PayStatus = "free"    // 免付
	// PayRefundDue: paid, then the supplier could not pack all of it:
	// RefundFen is owed back.
	PayRefundDue PayStatus = "refund_due" // 待退
	PayRefunded  PayStatus = "refunded"   // 已退
)

// Payment is what an order's household paid, and who says so.
type Payment struct {
	Status PayStatus `json:"status"`
	Method PayMethod `json:"method,omitempty"`
	// PaidFen is what was collected; RefundFen what is owed back (refund
	// due) or was given back (refunded).
	PaidFen   int64 `json:"paid_fen,omitempty"`
	RefundFen int64 `json:"refund_fen,omitempty"`
	// By is who confirmed the last change (openid, or the admin token),
	// At when.
	By string    `json:"by,omitempty"`
	At time.Time `json:"at,omitzero"`
}

// NewPayment is the payment of a new order of total fen paid by method:
// free when it costs nothing, else unpaid.
func NewPayment(total int64, method PayMethod) Payment {
	if total == 0 {
		return Payment{Status: PayFree}
	}
	return Payment{Status: PayUnpaid, Method: method}
}

// Owed is what the household still owes for o: nothing once paid, free
// or cancelled.
func (o *Order) Owed() int64 {
	if o.Status == StatusCancelled {
		return 0
	}
	switch o.Pay.Status {
	case PayUnpaid, PayClaimed, "":
		return o.TotalFen
	}
	return 0
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

// MarkPaid records that o's household paid paid fen by method (confirmed
// by by at at). paid 0 means the order's total. An order already paid,
// free or cancelled is ErrConflict; an amount other than the total
// ErrAmount: nothing changes.
func MarkPaid(o *Order, paid int64, method PayMethod, by string, at time.Time) error {
	switch {
	case o.Status == StatusCancelled, o.Pay.Status == PayPaid, o.Pay.Status == PayFree,
		o.Pay.Status == PayRefundDue, o.Pay.Status == PayRefunded:
		return &PaymentError{Order: *o, Why: ErrConflict}
	case paid != 0 && paid != o.TotalFen:
		return &PaymentError{Order: *o, Want: o.TotalFen, Got: paid, Why: ErrAmount}
	}
	if method == "" {
		method = o.Pay.Method
	}
	o.Pay = Payment{Status: PayPaid, Method: method, PaidFen: o.TotalFen, By: by, At: at}
	return nil
}

// ClaimPaid records the household's word that it paid (待确认): an order
// not unpaid is ErrConflict.
func ClaimPaid(o *Order, by string, at time.Time) error {
	if o.Status == StatusCancelled || (o.Pay.Status != PayUnpaid && o.Pay.Status != "") {
		return &PaymentError{Order: *o, Why: ErrConflict}
	}
	o.Pay.Status, o.Pay.By, o.Pay.At = PayClaimed, by, at
	return nil
}

// MarkRefunded records that the money owed back on o was given back: an
// order with nothing owed back is ErrConflict (nothing is refunded twice).
func MarkRefunded(o *Order, by string, at time.Time) error {
	if o.Pay.Status != PayRefundDue {
		return &PaymentError{Order: *o, Why: ErrConflict}
	}
	o.Pay.Status, o.Pay.By, o.Pay.At = PayRefunded, by, at
	return nil
}

// PayMethodOf is how o's household pays: the way of the supplier of its
// first line that has a supplier (cod when it says none).
func PayMethodOf(cat *catalog.Catalog, lines []Line) (PayMethod, string) {
	for _, l := range lines {
		it, ok := cat.Item(l.SKU)
		if !ok || it.Supplier == "" {
			continue
		}
		if sup, ok := cat.Supplier(it.Supplier); ok && sup.Payment != "" {
			return PayMethod(sup.Payment), sup.PaymentCode
		}
		break
	}
	return PayAtDoor, ""
}
