package actions

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/baogong/baogong/orders"
)

// Delivery: volunteers deliver their round (完成 3) and the urgent orders
// they claimed (领取 1001, 完成 1001); leads confirm what reached their
// buildings (送达 3-2-501 / 送达 3栋); staff mark an order delivered;
// suppliers say the goods are packed (备货完成).

// Scope is what a 送达 covers: one order, one household, or a building
// (and unit).
type Scope struct {
	OrderID string
	// Household, when set, is one household.
	Household *orders.Address
	// Building and Unit ("" for every unit) are a building's households.
	Building, Unit string
}

// DeliverResult is what Deliver did.
type DeliverResult struct {
	// Orders are the orders marked delivered.
	Orders []orders.Order
	// Notified counts those whose household was told; ToPhone are the
	// others (nobody bound to the household in WeChat): call them.
	Notified int
	ToPhone  []orders.Order
}

// Deliver marks every undelivered order of scope delivered, with note (staff
// say why; "" is 送达), whatever its
// order day (an order placed after the cutoff is handed over as any
// other), and tells each household. The building's lead or staff may
// (ErrForbidden, or for an order id orders.ErrNotFound, for anyone else).
// An order id whose order cannot be delivered (done, cancelled, awaiting
// its prescription) is orders.ErrConflict, with nothing delivered.
func (s *Service) Deliver(ctx context.Context, a Actor, scope Scope, note string) (res DeliverResult, err error) {
	defer func() { s.done(ctx, a, "deliver", err) }()
	var targets []orders.Order
	where := ""
	switch {
	case scope.OrderID != "":
		o, err := s.Orders.Order(ctx, scope.OrderID)
		if err == nil && !a.mayManage(o.Address.Building) {
			err = fmt.Errorf("order %s: %w", scope.OrderID, orders.ErrNotFound)
		}
		if err != nil {
			return res, err
		}
		if !o.Status.Open() {
			return res, fmt.Errorf("order %s is %s: %w", o.ID, o.Status, orders.ErrConflict)
		}
		targets, where = []orders.Order{o}, o.ID
	default:
		building, match := scope.Building, func(o orders.Order) bool {
			return orders.CanonicalBuilding(o.Address.Building) == scope.Building && (scope.Unit == "" || o.Address.Unit == scope.Unit)
		}
		if scope.Household != nil {
			hh := scope.Household.Household()
			building, match = scope.Household.Building, func(o orders.Order) bool { return o.Household() == hh }
			where = scope.Household.String()
		} else {
			where = orders.Address{Building: scope.Building, Unit: scope.Unit}.Entrance()
		}
		if !a.mayManage(building) {
			return res, ErrForbidden
		}
		for _, g := range s.Community.Grids {
			open, err := s.Orders.OpenOrders(ctx, g.ID)
			if err != nil {
				return res, err
			}
			for _, o := range open {
				if o.Status.Open() && a.mayManage(o.Address.Building) && match(o) {
					targets = append(targets, o)
				}
			}
		}
	}
	switch {
	case note == "":
		note = textDeliveredNote
	case a.Staff && a.Door != Bot:
		note = textStaffNote + note
	}
	for _, o := range targets {
		d, err := s.Orders.Transition(ctx, o.ID, orders.StatusDelivered, a.who(), note, s.now())
		if errors.Is(err, orders.ErrConflict) {
			if scope.OrderID != "" {
				return res, err
			}
			continue // delivered or cancelled meanwhile
		}
		if err != nil {
			return res, err
		}
		res.Orders = append(res.Orders, d)
		notified, err := s.notifyDelivered(ctx, d)
		if err != nil {
			return res, err
		}
		if notified {
			res.Notified++
		} else {
			res.ToPhone = append(res.ToPhone, d)
		}
	}
	if len(res.Orders) > 0 {
		s.record(ctx, a, auditDeliver, where, fmt.Sprintf("%d单 %s", len(res.Orders), note))
	}
	return res, nil
}

// Round is a volunteer's current round: their share of the latest roster
// they were put on, with each stop's order as it is now.
type Round struct {
	Roster orders.Roster
	Share  orders.Share
	// Orders are the stops' orders as they are now (goods cut by a
	// shortfall, cancelled, delivered), by order id: the roster keeps
	// what they were when it was made.
	Orders map[string]orders.Order
}

// Open counts the stops still to deliver.
func (r *Round) Open() int {
	n := 0
	for _, st := range r.Share.Stops {
		if o := r.Orders[st.OrderID]; o.Status.Open() {
			n++
		}
	}
	return n
}

// CurrentRound returns openid's current round, nil when they have none.
func (s *Service) CurrentRound(ctx context.Context, openid string) (*Round, error) {
	grid, slot, err := s.Orders.Round(ctx, openid)
	if errors.Is(err, orders.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ro, err := s.Orders.Roster(ctx, grid, slot)
	if errors.Is(err, orders.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r := &Round{Roster: ro, Orders: map[string]orders.Order{}}
	for _, sh := range ro.Shares {
		if sh.Volunteer == openid {
			r.Share = sh
		}
	}
	for _, st := range r.Share.Stops {
		o, err := s.Orders.Order(ctx, st.OrderID)
		if errors.Is(err, orders.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		r.Orders[st.OrderID] = o
	}
	return r, nil
}

// Errors of Finish.
var (
	// ErrNoRound: the volunteer has no round and claimed nothing.
	ErrNoRound = errors.New("no round")
	// ErrNotAStop: the reference is no stop of the round (NoStopError
	// says how many there are) or no number at all.
	ErrNotAStop = errors.New("no such stop")
)

// NoStopError: ref is no stop of a round of Stops stops.
type NoStopError struct {
	Ref   string
	Stops int
}

func (e *NoStopError) Error() string { return "no stop " + e.Ref + " of " + strconv.Itoa(e.Stops) }
func (e *NoStopError) Unwrap() error { return ErrNotAStop }

// FinishResult is what Finish did.
type FinishResult struct {
	Order orders.Order
	// Claimed: an urgent order the volunteer claimed (on no roster);
	// else Stop is the stop of their round and Left the stops still open.
	Claimed bool
	Stop    orders.Stop
	Left    int
	// Notified: the household was told.
	Notified bool
	// Already: the order was delivered before (by this 完成 sent
	// earlier); only the money was recorded now.
	Already bool
	// Collected is what the volunteer took at the door (0: nothing said;
	// CollectOwed while what the order owes could not be recorded);
	// PayErr why it was not recorded (a *orders.PaymentError: paid
	// already, or not the order's amount).
	Collected int64
	PayErr    error
}

// CollectOwed, as Finish's collected, is money taken at the door without
// an amount said (完成 3 已收款): what the order owes.
const CollectOwed int64 = -1

// Finish marks delivered a stop of the actor's round (its number, or its
// order id) or an urgent order they claimed (its id), and tells the
// household; collected (fen, 0 for none, CollectOwed for what the order
// owes) is what they took at the door, recorded as the order's payment
// when it is what the order owes (else PayErr says why not: the delivery
// stands). Money said for an order delivered already (完成 2, then 完成 2
// 已收50) is recorded all the same, with Already set. ErrNoRound when they
// have nothing to deliver; a *NoStopError (ErrNotAStop) for a reference
// that is none of theirs; orders.ErrConflict, with the order as it is,
// when it was cancelled, or delivered already and no money was said.
func (s *Service) Finish(ctx context.Context, a Actor, ref string, collected int64) (res FinishResult, err error) {
	defer func() { s.done(ctx, a, "finish", err) }()
	defer func() {
		delivered := res.Order.Status == orders.StatusDelivered || res.Order.Status == orders.StatusReceived
		if collected != 0 && errors.Is(err, orders.ErrConflict) && delivered {
			res.Already, err = true, nil
		}
		if err == nil && collected != 0 {
			res.Collected = collected
			res.Order, res.PayErr = s.collectAtDoor(ctx, a, res.Order, collected)
			if res.PayErr == nil {
				c := res.Order.Pay.Collected()
				res.Collected = c[len(c)-1].Fen
			}
		}
	}()
	if res, handled, err := s.finishClaimed(ctx, a, ref); handled || err != nil {
		return res, err
	}
	r, err := s.CurrentRound(ctx, a.OpenID)
	if err != nil {
		return res, err
	}
	if r == nil {
		return res, ErrNoRound
	}
	n, nerr := strconv.Atoi(ref)
	var stop *orders.Stop
	for i := range r.Share.Stops {
		st := &r.Share.Stops[i]
		if (nerr == nil && st.Seq == n) || st.OrderID == ref {
			stop = st
		}
	}
	if stop == nil {
		return res, &NoStopError{Ref: ref, Stops: len(r.Share.Stops)}
	}
	res.Stop = *stop
	d, err := s.Orders.Transition(ctx, stop.OrderID, orders.StatusDelivered, a.OpenID, textVolunteerDeliveredNote, s.now())
	res.Order = d
	if err != nil {
		return res, err
	}
	r.Orders[d.ID] = d
	if res.Notified, err = s.notifyDelivered(ctx, d); err != nil {
		return res, err
	}
	res.Left = r.Open()
	return res, nil
}

// collectAtDoor records what a volunteer took at the door for o
// (CollectOwed: what it owes).
func (s *Service) collectAtDoor(ctx context.Context, a Actor, o orders.Order, fen int64) (orders.Order, error) {
	fen = max(fen, 0) // MarkPaid's 0 is what is due
	got, err := s.Orders.Revise(ctx, o.ID, func(o *orders.Order) ([]orders.Line, error) {
		return nil, orders.MarkPaid(o, fen, orders.PayAtDoor, a.who(), s.now())
	})
	if err != nil {
		return o, err
	}
	s.recordPaid(ctx, a, got)
	return got, nil
}

// finishClaimed finishes an urgent order the actor claimed (claimed
// orders are on no roster). handled is false for anything else.
func (s *Service) finishClaimed(ctx context.Context, a Actor, ref string) (res FinishResult, handled bool, err error) {
	if !isDigits(ref) || len(ref) < 4 {
		return res, false, nil
	}
	holder, err := s.Orders.Claimant(ctx, ref)
	if err != nil || holder != a.OpenID {
		return res, false, err
	}
	o, err := s.Orders.Order(ctx, ref)
	if errors.Is(err, orders.ErrNotFound) {
		return res, false, nil
	}
	if err != nil {
		return res, false, err
	}
	if o.Assignee != a.OpenID {
		return res, false, nil
	}
	res.Claimed = true
	d, err := s.Orders.Transition(ctx, o.ID, orders.StatusDelivered, a.OpenID, textVolunteerDeliveredNote, s.now())
	res.Order = d
	if err != nil {
		return res, true, err
	}
	res.Notified, err = s.notifyDelivered(ctx, d)
	return res, true, err
}

// isDigits reports whether s is all ASCII digits, like an order id.
func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// ClaimStep is what a claim found.
type ClaimStep int

// Claim steps.
const (
	// Claimed: the order is now the actor's to deliver.
	Claimed ClaimStep = iota
	// Yours: the actor had claimed it already.
	Yours
	// Taken: someone else claimed it first (Holder).
	Taken
	// Closed: nobody claimed it and it cannot be claimed (on a roster,
	// delivered, cancelled, waiting for its prescription).
	Closed
)

// ClaimResult is what Claim did.
type ClaimResult struct {
	Step  ClaimStep
	Order orders.Order
	// HolderName names whoever holds it for the actor (Taken): by name,
	// or the building and unit they live in, never door or phone.
	HolderName string
	// Told: the household was told who is coming; Marks are its marks,
	// for the claimer.
	Told  bool
	Marks []orders.Mark
}

// ErrNotUrgent: only urgent orders are claimed.
var ErrNotUrgent = errors.New("not an urgent order")

// Claim gives the urgent order id to the actor, who claimed it (领取):
// the first claim wins, and the household hears who is coming. The
// order's grid team and staff may claim (ErrForbidden for anyone else).
func (s *Service) Claim(ctx context.Context, a Actor, id string) (res ClaimResult, err error) {
	defer func() { s.done(ctx, a, "claim", err) }()
	o, err := s.Orders.Order(ctx, id)
	if err != nil {
		return res, err
	}
	res.Order = o
	if ok, err := s.urgent().MayClaim(ctx, a.OpenID, o.Grid); err != nil {
		return res, err
	} else if !ok {
		return res, ErrForbidden
	}
	if !o.Urgent {
		return res, ErrNotUrgent
	}
	if o.Status == orders.StatusAssigned && o.Assignee == a.OpenID {
		res.Step = Yours
		return res, nil
	}
	got, holder, err := s.Orders.ClaimOrder(ctx, id, a.OpenID, s.now())
	res.Order = got
	switch {
	case errors.Is(err, orders.ErrConflict):
		if got.Status == orders.StatusAssigned {
			res.Step, res.HolderName = Taken, s.volunteerName(ctx, got.Assignee, textAnotherVolunteer)
			return res, nil
		}
		res.Step = Closed
		return res, nil
	case err != nil:
		return res, err
	case holder != a.OpenID:
		res.Step, res.HolderName = Taken, s.volunteerName(ctx, holder, textAnotherVolunteer)
		return res, nil
	}
	who := s.volunteerName(ctx, a.OpenID, textCommunityVolunteer)
	if res.Told, err = s.toHousehold(ctx, got, "", "claimed:"+got.ID, orders.Notice{Kind: "claimed",
		Text: textClaimedNotice(got, who), Brief: claimedBrief(got, who)}); err != nil {
		return res, err
	}
	res.Marks, err = s.Households.HouseholdMarks(ctx, got.Household())
	return res, err
}

// volunteerName names a volunteer for residents and other volunteers: by
// the name the office noted (志愿者林师傅), else by the building and unit
// they live in, never their door or phone; unknown when neither is known.
func (s *Service) volunteerName(ctx context.Context, openid, unknown string) string {
	if p, err := s.People.Person(ctx, openid); err != nil {
		s.Log.ErrorContext(ctx, "name of claimer", "err", err)
	} else if p.Name != "" {
		return textVolunteerNamed(p.Name)
	}
	bd, err := s.Households.Binding(ctx, openid)
	if err != nil {
		if !errors.Is(err, orders.ErrNotFound) {
			s.Log.ErrorContext(ctx, "binding of claimer", "err", err)
		}
		return unknown
	}
	return textVolunteerOf(bd.Address)
}
