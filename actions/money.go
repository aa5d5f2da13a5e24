package actions

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
)

// Money: who has paid, who is owed back. baogong moves no money; people
// say what they collected or gave back, and every change is audited.

// mayCollect reports whether a may say o was paid (or refunded): staff,
// the building's lead, or the volunteer bringing it.
func (a Actor) mayCollect(o orders.Order) bool {
	return a.Staff || a.leads(o.Address.Building) || (a.OpenID != "" && a.OpenID == o.Assignee)
}

// Collect records that order id was paid (paid fen, 0 for its total) by
// method ("" for the order's own), confirmed by a: staff, the building's
// lead or the volunteer bringing it (else orders.ErrNotFound: ids are
// guessable). An order paid already, free or cancelled is a
// *orders.PaymentError wrapping ErrConflict; an amount that does not
// match, one wrapping orders.ErrAmount: nothing changes.
func (s *Service) Collect(ctx context.Context, a Actor, id string, paid int64, method orders.PayMethod) (o orders.Order, err error) {
	defer func() { s.done(ctx, a, "collect", err) }()
	o, err = s.Orders.Order(ctx, id)
	if err == nil && !a.mayCollect(o) {
		err = fmt.Errorf("order %s: %w", id, orders.ErrNotFound)
	}
	if err != nil {
		return o, err
	}
	o, err = s.Orders.Revise(ctx, id, func(o *orders.Order) ([]orders.Line, error) {
		return nil, orders.MarkPaid(o, paid, method, a.who(), s.now())
	})
	if err != nil {
		return o, err
	}
	s.recordPaid(ctx, a, o)
	return o, nil
}

// recordPaid audits the collection MarkPaid just added to o.
func (s *Service) recordPaid(ctx context.Context, a Actor, o orders.Order) {
	c := o.Pay.Collected()
	last := c[len(c)-1]
	note := yuanWords(last.Fen) + " " + payWords[last.Method]
	if o.Pay.RefundFen > 0 || o.Owed() > 0 {
		note += "（" + textPayState(o) + "）"
	}
	s.record(ctx, a, auditPaid, o.ID, note)
}

// payMoved audits a change of o's money that came with a change of its
// goods (a cancel, new lines, a cut): who made it, and where the money
// stands now. Nothing is recorded for an order nobody paid or said they
// paid: its Pay did not change.
func (s *Service) payMoved(ctx context.Context, a Actor, o orders.Order) {
	if o.Pay.PaidFen == 0 && o.Pay.ClaimedFen == 0 {
		return
	}
	s.record(ctx, a, auditPayMoved, o.ID, textPayState(o))
}

// DoorPayments is what a lead's 已收款 did for one door.
type DoorPayments struct {
	Address orders.Address
	// Paid are the orders it marked paid; none: nothing was owed.
	Paid []orders.Order
}

// CollectDoors records that the households of doors paid the lead (群收款)
// every order they owe for (not cancelled, not free, not paid): the
// building's lead or staff (ErrForbidden for a door of another building).
// A door that owes nothing is in the result with no orders.
func (s *Service) CollectDoors(ctx context.Context, a Actor, doors []orders.Address) (res []DoorPayments, err error) {
	defer func() { s.done(ctx, a, "collect_doors", err) }()
	for _, d := range doors {
		if !a.mayManage(d.Building) {
			return nil, ErrForbidden
		}
	}
	for _, d := range doors {
		dp := DoorPayments{Address: d}
		list, err := s.Orders.HouseholdOrders(ctx, d.Household(), 50)
		if err != nil {
			return res, err
		}
		for _, o := range list {
			if o.Owed() == 0 {
				continue
			}
			got, err := s.Orders.Revise(ctx, o.ID, func(o *orders.Order) ([]orders.Line, error) {
				return nil, orders.MarkPaid(o, 0, orders.PayGroup, a.who(), s.now())
			})
			if errors.Is(err, orders.ErrConflict) {
				continue // paid meanwhile
			}
			if err != nil {
				return res, err
			}
			dp.Paid = append(dp.Paid, got)
			s.recordPaid(ctx, a, got)
		}
		res = append(res, dp)
	}
	return res, nil
}

// ClaimPaid records a household member's word that they paid order id
// (已付款 1001): it shows 待确认 until someone who took the money says so,
// and is audited.
// An order of another household is orders.ErrNotFound; one not unpaid a
// *orders.PaymentError wrapping ErrConflict.
func (s *Service) ClaimPaid(ctx context.Context, a Actor, id string) (o orders.Order, err error) {
	defer func() { s.done(ctx, a, "claim_paid", err) }()
	o, err = s.Orders.Order(ctx, id)
	if err == nil && (a.household() == "" || o.Household() != a.household()) {
		err = fmt.Errorf("order %s: %w", id, orders.ErrNotFound)
	}
	if err != nil {
		return o, err
	}
	o, err = s.Orders.Revise(ctx, id, func(o *orders.Order) ([]orders.Line, error) {
		return nil, orders.ClaimPaid(o, a.who(), s.now())
	})
	if err != nil {
		return o, err
	}
	s.record(ctx, a, auditClaimPaid, o.ID, yuanWords(o.Pay.ClaimedFen))
	return o, nil
}

// Refunded records that the money owed back on order id (a shortfall, a
// cancel after paying) was given back: staff or the building's lead (else orders.ErrNotFound). An
// order owed nothing is a *orders.PaymentError wrapping ErrConflict:
// nothing is refunded twice.
func (s *Service) Refunded(ctx context.Context, a Actor, id string) (o orders.Order, err error) {
	defer func() { s.done(ctx, a, "refunded", err) }()
	o, err = s.Orders.Order(ctx, id)
	if err == nil && !a.Staff && !a.leads(o.Address.Building) {
		err = fmt.Errorf("order %s: %w", id, orders.ErrNotFound)
	}
	if err != nil {
		return o, err
	}
	o, err = s.Orders.Revise(ctx, id, func(o *orders.Order) ([]orders.Line, error) {
		return nil, orders.MarkRefunded(o, a.who(), s.now())
	})
	if err != nil {
		return o, err
	}
	s.record(ctx, a, auditRefunded, o.ID, yuanWords(o.Pay.LastRefund()))
	return o, nil
}

// Errors of Shortfall.
var (
	// ErrShortfallTooLarge: more than is still to deliver of the item that
	// day (ShortfallError says how much that is).
	ErrShortfallTooLarge = errors.New("more than is still to deliver")
	// ErrShortfallDown: a report less than an earlier one for the same item
	// and day: the households cut then were told; it cannot be undone here.
	ErrShortfallDown = errors.New("less than reported before")
	// ErrNoPicklist: no pick list went out today or yesterday.
	ErrNoPicklist = errors.New("no pick list to pack")
)

// ShortfallError says how a shortfall report did not fit.
type ShortfallError struct {
	// Open are the units still to deliver; Before the units reported
	// before for the same item and day.
	Open, Before int
	Why          error
}

func (e *ShortfallError) Error() string {
	return fmt.Sprintf("shortfall: open %d, reported before %d: %v", e.Open, e.Before, e.Why)
}
func (e *ShortfallError) Unwrap() error { return e.Why }

// ShortfallResult is what Shortfall did.
type ShortfallResult struct {
	Day  string
	Item orders.Line
	// Qty is the shortfall as now reported; Before as reported before
	// (a report replaces the earlier one: only the difference is cut).
	Qty, Before int
	// Orders are the orders changed, each with what it lost (Cut).
	Orders []ShortOrder
}

// ShortOrder is one order's part of a shortfall.
type ShortOrder struct {
	Order orders.Order
	Qty   int
	// Told: its household was told.
	Told bool
}

// Shortfall records that qty units of sku cannot be packed for order day
// day ("" for the day of the latest pick list): the supplier of the item
// or staff report it (ErrForbidden else). baogong chooses which orders go
// without (orders.PlanShortfall: vulnerable households and free packs
// last, the latest orders first), takes the units off them (household
// limits back, money owed back when paid), tells each household and the
// volunteer whose round it is, and sends the supplier's pick list and the
// rounds again once. A report for an item and day replaces the earlier
// one: a larger one cuts the difference; a smaller one is
// ErrShortfallDown; one beyond what is still to deliver
// ErrShortfallTooLarge. Nothing changes then.
//
// Each cut moves the day's record in the same atomic step as the order
// (SupplyStore.CutShortfall), so reports, cancels and deliveries landing
// meanwhile are safe: an order no longer to deliver is not cut (the rest
// is planned again among those still to deliver), a second report for the
// same item and day cuts only what the first left, and the record holds
// the units actually taken.
func (s *Service) Shortfall(ctx context.Context, a Actor, sku string, qty int, day string) (res ShortfallResult, err error) {
	defer func() { s.done(ctx, a, "shortfall", err) }()
	it, err := s.item(sku)
	if err != nil {
		return res, err
	}
	if !a.Staff && (a.OpenID == "" || s.Catalog.SupplierOf(a.OpenID) != it.Supplier) {
		return res, ErrForbidden
	}
	if qty < 0 || qty > orders.MaxQty*100 {
		return res, ErrAmount
	}
	res.Item = orders.Line{SKU: it.SKU, Name: it.Name, Unit: it.Unit, PriceFen: it.PriceFen}
	if day == "" {
		if day, err = s.packingDay(ctx); err != nil {
			return res, err
		}
	}
	res.Day, res.Qty = day, qty
	rec := orders.Shortfall{Day: day, SKU: sku, By: a.who(), At: s.now()}
	rounds := map[string][]orders.Order{} // volunteer -> orders of their round changed
	for plan := 0; ; plan++ {
		before, err := s.Supply.Shortfall(ctx, day, sku)
		if err != nil && !errors.Is(err, orders.ErrNotFound) {
			return res, err
		}
		if plan == 0 {
			res.Before = before.Qty
		}
		switch {
		case qty == before.Qty:
			return s.shortDone(ctx, a, res, rounds), nil
		case qty < before.Qty && plan == 0:
			return res, &ShortfallError{Before: before.Qty, Why: ErrShortfallDown}
		case qty < before.Qty:
			// Another report went further meanwhile: it cut the rest.
			return s.shortDone(ctx, a, res, rounds), nil
		case plan == maxShortfallPlans:
			s.shortDone(ctx, a, res, rounds)
			return res, fmt.Errorf("shortfall of %s: the orders changed too often: %w", sku, orders.ErrConflict)
		}
		list, err := s.Orders.Orders(ctx, orders.Filter{Day: day, Limit: 1 << 20})
		if err != nil {
			return res, err
		}
		marks, err := s.Households.AllMarks(ctx)
		if err != nil {
			return res, err
		}
		cuts, left := orders.PlanShortfall(list, sku, qty-before.Qty, func(hh string) bool { return len(marks[hh]) > 0 })
		if left > 0 && plan == 0 {
			open := qty - before.Qty - left
			return res, &ShortfallError{Open: open, Before: before.Qty, Why: ErrShortfallTooLarge}
		}
		// What was cut is recorded as it is cut: should a cut fail, the
		// supplier sends the report again and only the rest is cut.
		was, replan := before.Qty, false
		for _, c := range cuts {
			got, taken, err := s.Supply.CutShortfall(ctx, c.OrderID, rec, was, func(o *orders.Order) (orders.Line, error) {
				taken, err := orders.ApplyCut(o, sku, c.Qty, a.who(), "", s.now())
				if err == nil {
					o.History[len(o.History)-1].Note = textShortNote(it.Name, taken.Qty, it.Unit)
				}
				return taken, err
			})
			if errors.Is(err, orders.ErrConflict) {
				// Delivered, cancelled or changed since the plan, or
				// another report cut meanwhile: plan the rest again.
				replan = true
				break
			}
			if err != nil {
				s.shortDone(ctx, a, res, rounds)
				return res, err
			}
			was += taken.Qty
			s.payMoved(ctx, a, got)
			so := ShortOrder{Order: got, Qty: taken.Qty}
			so.Told, err = s.toHousehold(ctx, got, "", fmt.Sprintf("short:%s:%s:%d:%s", day, sku, qty, got.ID),
				orders.Notice{Kind: "shortfall", Text: textShortNotice(got, it.Name, taken.Qty, it.Unit)})
			if err != nil {
				s.Log.ErrorContext(ctx, "household users", "order", got.ID, "err", err)
			}
			if got.Assignee != "" {
				rounds[got.Assignee] = append(rounds[got.Assignee], got)
			}
			res.Orders = append(res.Orders, so)
			if taken.Qty < c.Qty {
				replan = true // the order held less than planned
				break
			}
		}
		if !replan && left > 0 {
			// Fewer are still to deliver than when the report began
			// (delivered meanwhile): what could be cut was.
			res.Qty = was
			return s.shortDone(ctx, a, res, rounds), nil
		}
	}
}

// maxShortfallPlans bounds how often a shortfall is planned again when the
// orders change under it.
const maxShortfallPlans = 10

// shortDone ends a shortfall that changed orders: the supplier and the
// volunteers hear once, and the report is audited.
func (s *Service) shortDone(ctx context.Context, a Actor, res ShortfallResult, rounds map[string][]orders.Order) ShortfallResult {
	if len(res.Orders) == 0 {
		return res
	}
	s.resend(ctx, res, rounds)
	s.record(ctx, a, auditShortfall, res.Item.Name, fmt.Sprintf("%s 缺%d%s（之前%d），%d单", res.Day, res.Qty, res.Item.Unit, res.Before, len(res.Orders)))
	return res
}

// resend sends, once for this report, the item's supplier its pick list
// again and each volunteer whose round changed what changed.
func (s *Service) resend(ctx context.Context, res ShortfallResult, rounds map[string][]orders.Order) {
	it, _ := s.Catalog.Item(res.Item.SKU)
	id := fmt.Sprintf("%s:%s:%d", res.Day, res.Item.SKU, res.Qty)
	if sup, ok := s.Catalog.Supplier(it.Supplier); ok && sup.ContactOpenID != "" {
		link := ""
		if s.Jobs != nil && s.Jobs.Links != nil {
			link = s.Jobs.Links.Picklist(sup.ID, res.Day)
		}
		s.tell(ctx, orders.Notice{ID: "short-picklist:" + id + ":" + sup.ContactOpenID, OpenID: sup.ContactOpenID, Kind: "picklist",
			Text: textShortPicklist(res.Day, res.Item, res.Qty, len(res.Orders), link)})
	}
	vols := make([]string, 0, len(rounds))
	for v := range rounds {
		vols = append(vols, v)
	}
	slices.Sort(vols)
	for _, v := range vols {
		link := ""
		if o := rounds[v][0]; s.Jobs != nil && s.Jobs.Links != nil && !o.Slot.IsZero() {
			link = s.Jobs.Links.Roster(o.Grid, o.Slot, v)
		}
		s.tell(ctx, orders.Notice{ID: "short-round:" + id + ":" + v, OpenID: v, Kind: "roster",
			Text: textShortRound(res.Item.Name, rounds[v], link)})
	}
}

// packingDay is the order day whose pick list went out last (today's or
// yesterday's): what a supplier is packing.
func (s *Service) packingDay(ctx context.Context) (string, error) {
	now := s.now()
	for _, d := range []string{orders.Day(now, s.Location), orders.Day(now.AddDate(0, 0, -1), s.Location)} {
		sent, err := s.Marks.Marked(ctx, jobs.PicklistMark(d))
		if err != nil {
			return "", err
		}
		if sent {
			return d, nil
		}
	}
	return "", ErrNoPicklist
}
