package actions

import (
	"context"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// PasteRequest is a lead's list: a whole 接龙 (Jielong, whose households
// missing from a re-paste are cancelled) or order lines for households.
type PasteRequest struct {
	Jielong bool
	// Title names a 接龙 (its first line): the same title again is the
	// same list, re-posted as it grew.
	Title string
	Lines []orders.ListLine
	// Unreadable counts the lines that could not be read: households
	// missing from the list are then kept, not cancelled.
	Unreadable int
}

// PasteResult is what Paste did.
type PasteResult struct {
	Report orders.ListReport
	// Urgent are the households of the urgent orders it created and
	// pushed to their team; Reach says who heard of them at once.
	Urgent []orders.Address
	Reach  urgent.Reach
}

// Paste turns a lead's list into orders for the households of their
// buildings (see orders.Lists.Apply): a re-paste updates, adds and
// cancels instead of doubling. Every household concerned is told of a
// change and of medicine waiting for a prescription; new urgent orders
// are pushed. Leads only (ErrForbidden). The error is for store failures:
// with Report.Interrupted set, the report says what was done.
func (s *Service) Paste(ctx context.Context, a Actor, req PasteRequest) (res PasteResult, err error) {
	defer func() { s.done(ctx, a, "paste", err) }()
	if len(a.Leads) == 0 {
		return res, ErrForbidden
	}
	key := orders.ListKey(a.OpenID, req.Title)
	if !req.Jielong {
		// One-off order lines accumulate in a list of their own that
		// never cancels what is not repeated.
		key = orders.ListKey(a.OpenID, "\x00direct")
	}
	now := s.now()
	listID, err := s.Orders.ListFor(ctx, key, orders.NewListID(key, now), orders.ListIdle)
	if err != nil {
		return res, err
	}
	lreq := orders.ListRequest{Lead: a.OpenID, Buildings: a.Leads, CancelMissing: req.Jielong, At: now, ListID: listID, Lines: req.Lines}
	res.Report, err = s.Lists.Apply(ctx, lreq, req.Unreadable)
	if err != nil {
		// Say what was done; the lead pastes again for the rest. No
		// notices while Redis fails: the urgent job pushes urgent orders
		// later, and the reply lists those awaiting a prescription.
		return res, err
	}
	// The orders are placed whatever becomes of the notices.
	for _, r := range res.Report.Results {
		o := r.Order
		if o.Status == orders.StatusAwaitingRx && (r.Outcome == orders.OutcomeCreated || r.Outcome == orders.OutcomeUpdated) {
			if _, err := s.tellHouseholdRx(ctx, o, "awaiting", textRxAwaitingNotice(o, orders.RxLines(s.Catalog, o.Lines))); err != nil {
				s.Log.ErrorContext(ctx, "paste: prescription notices", "err", err)
			}
		}
		switch r.Outcome {
		case orders.OutcomeCancelled:
			s.tellCancelled(ctx, o, a.OpenID, byLead)
			s.payMoved(ctx, a, o)
		case orders.OutcomeUpdated:
			s.tellChanged(ctx, o, a.OpenID)
			s.payMoved(ctx, a, o)
		case orders.OutcomeCreated:
			if r.Replaced != nil {
				s.payMoved(ctx, a, *r.Replaced)
			}
			if o.Urgent && o.Status == orders.StatusPending {
				res.Reach = max(res.Reach, s.pushUrgent(ctx, o, nil, false)) // one grid per list, mostly
				res.Urgent = append(res.Urgent, o.Address)
			}
		}
	}
	return res, nil
}
