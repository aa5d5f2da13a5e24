package actions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// PlaceRequest is an order a bound resident asks for.
type PlaceRequest struct {
	Items []orders.ItemRequest
	// Said: the message said 急/紧急/救命.
	Said bool
	// Cry: the message is a cry for help (救命, 晕倒 …): when it goes with
	// the household's open urgent order, the team (or the volunteer on
	// the way) is paged again all the same.
	Cry     bool
	Channel string
	// RequestID makes placing idempotent: placing again under it places
	// nothing more.
	RequestID string
	// Note is a remark for the volunteer; Contact a phone number the
	// resident gave with the order.
	Note, Contact string
	// Days is where the order days stood when the request arrived.
	Days orders.Days
	// Ack, when set, ties the write to the message that asked for it:
	// the store writes only while its claim holds and saves Reply's
	// answer with the order (see orders.Ack). The store fills in its
	// Saved, Reply and Unconfirmed.
	Ack *orders.Ack
	// Reply renders the answer saved with the order, from what Place did
	// (Order the order as written).
	Reply func(PlaceResult) string
}

// PlaceResult is what Place did.
type PlaceResult struct {
	Order orders.Order
	// Created is false when the request was placed before (the order
	// then placed is returned).
	Created bool
	// Reach says who heard of an urgent order at once.
	Reach urgent.Reach
	// Open is set when the household had an urgent order open and this
	// urgent request went with it instead of paging anyone again (see
	// Place); Order is then the order that holds what was asked for.
	Open OpenUrgent
	// Holder names whoever is bringing Order (志愿者林师傅), "" when
	// nobody claimed it yet.
	Holder string
}

// OpenUrgent says how an urgent request met its household's open one.
type OpenUrgent int

// How an urgent request met an open one.
const (
	// NoneOpen: there was none; the request was placed and paged.
	NoneOpen OpenUrgent = iota
	// InOpen: everything asked for is in the open order already; nothing
	// placed, nobody paged.
	InOpen
	// Joined: the new goods were added to the open order, still waiting
	// for a claim; nobody paged again (whoever claims it brings all).
	Joined
	// JoinedClaimer: the open order is on its way; the new goods are an
	// order of their own, given to the same volunteer, who is told.
	JoinedClaimer
)

// Place places an order for the actor's household (ErrForbidden when they
// are not bound here). An item that cannot be served is a
// *orders.ShortageError wrapping ErrSoldOut or ErrLimit, a free-only item
// orders.ErrFreeOnly; nothing is placed then. An urgent order is pushed to
// its grid's team once it is placed.
func (s *Service) Place(ctx context.Context, a Actor, req PlaceRequest) (res PlaceResult, err error) {
	defer func() { s.done(ctx, a, "place", err) }()
	if a.Home == nil {
		return res, ErrForbidden
	}
	bd := *a.Home
	o, err := orders.NewOrder(s.Catalog, bd.Address, bd.Grid, req.Items, a.OpenID, req.Channel, req.Days.Now, s.Location)
	if err != nil {
		return res, err
	}
	o.Day, o.Note, o.Contact = req.Days.Open, req.Note, req.Contact
	o.Urgent = orders.IsUrgent(s.Catalog, o.Lines, req.Said, a.Marks)
	if o.Urgent && o.Status == orders.StatusPending {
		// One open urgent request per household and item: 急 ten times
		// is one order and one round of pages.
		if done, err := s.withOpenUrgent(ctx, a, o, &res); done || err != nil {
			if err == nil && req.Cry {
				s.cryAgain(ctx, res.Order)
			}
			return res, err
		}
		// Who hears of it at once is known before it is placed, so the
		// answer is saved with the order.
		if res.Reach, err = s.urgent().ReachOf(ctx, o.Grid); err != nil {
			return res, err
		}
	}
	if req.Ack != nil && req.Reply != nil {
		r := res
		req.Ack.Render = func(p orders.Order) string { r.Order = p; return req.Reply(r) }
	}
	claimer := ""
	if res.Open == JoinedClaimer {
		claimer = res.Order.Assignee
	}
	res.Order, res.Created, err = s.Orders.PlaceOrder(ctx, o, req.RequestID, req.Ack)
	if err != nil {
		return res, err
	}
	if claimer != "" {
		// The volunteer on the way brings this too: it is theirs, and
		// nobody else is paged for it.
		got, holder, err := s.Orders.ClaimOrder(ctx, res.Order.ID, claimer, s.now())
		if err == nil && holder == claimer {
			res.Order = got
			s.tell(ctx, orders.Notice{ID: "urgent-more:" + got.ID + ":" + claimer, OpenID: claimer, Kind: "urgent", Text: textUrgentMore(got)})
			return res, nil
		}
		if err != nil && !errors.Is(err, orders.ErrConflict) {
			s.Log.ErrorContext(ctx, "give an urgent order to the volunteer on the way", "order", res.Order.ID, "err", err)
		}
		res.Open, res.Holder = NoneOpen, ""
	}
	if res.Order.Urgent {
		// The push is queued after the answer is saved: should it fail,
		// the urgent job pushes the order within a minute.
		s.pushUrgent(ctx, res.Order, a.Marks, true)
	}
	return res, nil
}

// cryAgain pages again about urgent order o, open, whose household cried
// for help: the volunteer bringing it, or, while nobody claimed it, its
// grid's team (staff when it has none). Each hears once of what o holds
// while it waits, and once more when it is claimed.
func (s *Service) cryAgain(ctx context.Context, o orders.Order) {
	var to []string
	switch {
	case o.Status == orders.StatusAssigned && o.Assignee != "":
		to = []string{o.Assignee}
	default:
		team, err := s.urgent().Team(ctx, o.Grid)
		if err != nil {
			s.Log.ErrorContext(ctx, "team of urgent order", "order", o.ID, "err", err)
		}
		to = team
		if len(to) == 0 {
			to = s.Community.Admins
		}
	}
	sum := sha256.Sum256([]byte(orders.Goods(o.Lines)))
	ns := make([]orders.Notice, len(to))
	for i, u := range to {
		ns[i] = orders.Notice{ID: "urgent-again:" + o.ID + ":" + hex.EncodeToString(sum[:6]) + ":" + o.Assignee + ":" + u, OpenID: u, Kind: "urgent",
			Text: textUrgentCryAgain(o, u == o.Assignee)}
	}
	s.tell(ctx, ns...)
}

// withOpenUrgent puts urgent order o with its household's open urgent
// order, when there is one: done reports that o needs no placing of its
// own (InOpen, Joined). JoinedClaimer places o here, for the volunteer
// already on the way.
func (s *Service) withOpenUrgent(ctx context.Context, a Actor, o orders.Order, res *PlaceResult) (done bool, err error) {
	list, err := s.Orders.HouseholdOrders(ctx, o.Household(), 20)
	if err != nil {
		return false, err
	}
	var open *orders.Order
	for i := range list {
		if x := &list[i]; x.Urgent && (x.Status == orders.StatusPending || x.Status == orders.StatusAssigned) {
			open = x
			break // newest first
		}
	}
	if open == nil {
		return false, nil
	}
	has := map[string]bool{}
	for _, l := range open.Lines {
		has[l.SKU] = true
	}
	var more []orders.Line
	for _, l := range o.Lines {
		if !has[l.SKU] {
			more = append(more, l)
		}
	}
	res.Order = *open
	if open.Assignee != "" {
		res.Holder = s.volunteerName(ctx, open.Assignee, textAnotherVolunteer)
	}
	switch {
	case len(more) == 0:
		res.Open = InOpen
		return true, nil
	case open.Status == orders.StatusPending:
		lines := append(append([]orders.Line(nil), open.Lines...), more...)
		var total int64
		for _, l := range lines {
			total += l.PriceFen * int64(l.Qty)
		}
		got, err := s.Orders.UpdateLines(ctx, open.ID, lines, total, a.OpenID, s.now())
		if errors.Is(err, orders.ErrConflict) {
			return false, nil // claimed or cancelled meanwhile: on its own
		}
		if err != nil {
			return true, err
		}
		s.payMoved(ctx, a, got)
		res.Order, res.Open = got, Joined
		return true, nil
	}
	res.Open = JoinedClaimer
	return false, nil
}

// Cancel cancels order id and gives its stock and limits back: a member
// of its household, the lead who placed it, or staff (with reason); to
// anyone else it is orders.ErrNotFound (ids are short and guessable). An
// order already on a volunteer's way is orders.ErrConflict, with the
// order as it is. ack, when set, saves reply's answer with the cancel (as
// PlaceRequest.Ack). Everyone else concerned is told; told reports
// whether anyone of the household was (staff phone those nobody was).
func (s *Service) Cancel(ctx context.Context, a Actor, id, reason string, ack *orders.Ack, reply func(orders.Order) string) (o orders.Order, told bool, err error) {
	defer func() { s.done(ctx, a, "cancel", err) }()
	o, err = s.Orders.Order(ctx, id)
	if err != nil {
		return o, false, err
	}
	member := a.household() != "" && a.household() == o.Household()
	placedByLead := o.PlacedBy == a.OpenID && a.OpenID != "" && a.leads(o.Address.Building)
	staffCancel := !member && !placedByLead && a.Staff && a.Door != Bot
	if !member && !placedByLead && !staffCancel {
		return orders.Order{}, false, fmt.Errorf("order %s: %w", id, orders.ErrNotFound)
	}
	if !orders.CallOff(o) {
		// On a volunteer's roster already: too late.
		return o, false, fmt.Errorf("order %s is %s: %w", id, o.Status, orders.ErrConflict)
	}
	note := textCancelNoteMember
	switch {
	case staffCancel:
		note = textStaffNote + reason
	case !member:
		note = textCancelNoteLead
	}
	if ack != nil && reply != nil {
		ack.Render = reply
	}
	done, err := s.Orders.CancelOrder(ctx, id, a.who(), note, s.now(), ack)
	if err != nil {
		return done, false, err
	}
	s.payMoved(ctx, a, done)
	switch {
	case staffCancel:
		told, err = s.toHousehold(ctx, done, "", "cancelled-staff:"+done.ID, orders.Notice{Kind: "cancelled", Text: textCancelledByStaffNotice(done, reason)})
		if err != nil {
			s.Log.ErrorContext(ctx, "household users", "order", done.ID, "err", err)
		}
		s.tellUrgentOff(ctx, done, a.OpenID)
		s.record(ctx, a, auditCancel, done.ID, reason)
	case member:
		// The answer is saved with the cancel; the others hear after it.
		s.tellCancelled(ctx, done, a.OpenID, byMember)
	default:
		s.tellCancelled(ctx, done, a.OpenID, byLead)
		s.record(ctx, a, auditCancel, done.ID, textCancelNoteLead)
	}
	return done, told, nil
}

// CancelHousehold cancels every order of household addr still to be
// packed, for its building's lead or staff (ErrForbidden for anyone
// else). late are the orders already on a volunteer's way.
func (s *Service) CancelHousehold(ctx context.Context, a Actor, addr orders.Address) (done, late []orders.Order, err error) {
	defer func() { s.done(ctx, a, "cancel_household", err) }()
	if !a.mayManage(addr.Building) {
		return nil, nil, ErrForbidden
	}
	list, err := s.Orders.HouseholdOrders(ctx, addr.Household(), 50)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range list {
		switch {
		case orders.CallOff(o):
			c, err := s.Orders.CancelOrder(ctx, o.ID, a.who(), textCancelNoteLead, s.now(), nil)
			if errors.Is(err, orders.ErrConflict) {
				late = append(late, c)
				continue
			}
			if err != nil {
				return done, late, err
			}
			s.tellCancelled(ctx, c, a.OpenID, byLead)
			s.payMoved(ctx, a, c)
			done = append(done, c)
		case o.Status == orders.StatusAssigned:
			late = append(late, o)
		}
	}
	if len(done) > 0 {
		s.record(ctx, a, auditCancel, addr.String(), fmt.Sprintf("%d单", len(done)))
	}
	return done, late, nil
}

// Received records the actor's 收到 on their household's delivered
// orders and returns those it changed (none: nothing was waiting for it).
// ErrForbidden when they are not bound here.
func (s *Service) Received(ctx context.Context, a Actor) (done []orders.Order, err error) {
	defer func() { s.done(ctx, a, "received", err) }()
	if a.Home == nil {
		return nil, ErrForbidden
	}
	list, err := s.Orders.HouseholdOrders(ctx, a.household(), 50)
	if err != nil {
		return nil, err
	}
	for _, o := range list {
		if o.Status != orders.StatusDelivered {
			continue
		}
		r, err := s.Orders.Transition(ctx, o.ID, orders.StatusReceived, a.OpenID, textReceivedNote, s.now())
		if errors.Is(err, orders.ErrConflict) {
			continue
		}
		if err != nil {
			return done, err
		}
		done = append(done, r)
	}
	return done, nil
}
