package actions

import (
	"context"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// Everyone concerned hears of a change they did not make: the other
// members of a household when one of them (or the lead, a re-pasted 接龙,
// or staff) cancels or changes its order, and whoever is on the way with
// an urgent order that was cancelled: nobody walks insulin to a door for
// nothing.

// changer says who changed an order, in the words its household reads.
type changer int

const (
	byMember changer = iota // a member of the household
	byLead                  // the building's lead (a message or a 接龙)
)

// toHousehold queues a notice (n's Kind, Text and Data) to everyone bound
// to o's household but except, under id "<idp>:<openid>". It reports
// false when nobody could be told: nobody is bound, or the outbox refused
// (logged: the change is done whatever becomes of the notice).
func (s *Service) toHousehold(ctx context.Context, o orders.Order, except, idp string, n orders.Notice) (bool, error) {
	users, err := s.Households.HouseholdUsers(ctx, o.Household())
	if err != nil {
		return false, err
	}
	var ns []orders.Notice
	for _, u := range users {
		if u != except {
			n.ID, n.OpenID = idp+":"+u, u
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return false, nil
	}
	if err := s.Outbox.Enqueue(ctx, ns...); err != nil {
		s.Log.ErrorContext(ctx, "queue notice", "kind", n.Kind, "order", o.ID, "err", err)
		return false, nil
	}
	return true, nil
}

// tellOthers is toHousehold for a change by someone (by) whose own answer
// is given already: a failure is logged, and changes nothing.
func (s *Service) tellOthers(ctx context.Context, o orders.Order, by, kind, text string) {
	if _, err := s.toHousehold(ctx, o, by, kind+":"+o.ID+":"+o.UpdatedAt.Format("150405.000"), orders.Notice{Kind: kind, Text: text}); err != nil {
		s.Log.ErrorContext(ctx, "household users", "order", o.ID, "err", err)
	}
}

// tellCancelled tells o's household, but for by itself, that o was
// cancelled, and the claimer or team of an urgent o that it is off.
func (s *Service) tellCancelled(ctx context.Context, o orders.Order, by string, who changer) {
	s.tellOthers(ctx, o, by, "cancelled", textCancelledNotice(o, who))
	s.tellUrgentOff(ctx, o, by)
}

// tellUrgentOff tells whoever is bringing the cancelled urgent order o, or
// its team when they were paged and nobody claimed it yet, that it is off.
func (s *Service) tellUrgentOff(ctx context.Context, o orders.Order, by string) {
	if !o.Urgent {
		return
	}
	if o.ClaimedBy != "" {
		s.tell(ctx, orders.Notice{ID: "urgent-off:" + o.ID + ":" + o.ClaimedBy, OpenID: o.ClaimedBy, Kind: "urgent", Text: textUrgentCancelled(o)})
		return
	}
	pushed, err := s.Marks.Marked(ctx, urgent.PushedMark(o.ID))
	if err != nil {
		s.Log.ErrorContext(ctx, "urgent order pushed?", "order", o.ID, "err", err)
	}
	if !pushed {
		return
	}
	team, err := s.urgent().Paged(ctx, o.Grid, o.ID)
	if err != nil {
		s.Log.ErrorContext(ctx, "urgent team", "order", o.ID, "err", err)
		return
	}
	ns := make([]orders.Notice, 0, len(team))
	for _, u := range team {
		if u != by {
			ns = append(ns, orders.Notice{ID: "urgent-off:" + o.ID + ":" + u, OpenID: u, Kind: "urgent", Text: textUrgentCancelled(o)})
		}
	}
	s.tell(ctx, ns...)
}

// tellChanged tells o's household that the lead changed o.
func (s *Service) tellChanged(ctx context.Context, o orders.Order, by string) {
	s.tellOthers(ctx, o, by, "changed", textChangedNotice(o))
}

// notifyDelivered queues the delivery notice to everyone bound to the
// household; it reports false when nobody could be told (no binding, or
// the outbox refused).
func (s *Service) notifyDelivered(ctx context.Context, d orders.Order) (bool, error) {
	return s.toHousehold(ctx, d, "", "delivered:"+d.ID, orders.Notice{Kind: "delivered",
		Text: textDeliveredNotice(d), Brief: deliveredBrief(d)})
}

// pushUrgent pushes the urgent order o at once (see urgent.Protocol.Push),
// reading its household's marks unless given. A failure to queue is
// logged, not returned: the order stands, and the urgent job pushes it
// within a minute.
func (s *Service) pushUrgent(ctx context.Context, o orders.Order, marks []orders.Mark, known bool) urgent.Reach {
	if o.Status != orders.StatusPending {
		return urgent.Team
	}
	if !known {
		var err error
		if marks, err = s.Households.HouseholdMarks(ctx, o.Household()); err != nil {
			s.Log.ErrorContext(ctx, "marks of urgent order", "order", o.ID, "err", err)
		}
	}
	to, err := s.urgent().Push(ctx, o, marks)
	if err != nil {
		s.Log.ErrorContext(ctx, "push urgent order", "order", o.ID, "err", err)
	}
	return to
}
