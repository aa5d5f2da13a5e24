package bot

import (
	"context"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// Everyone concerned hears of a change they did not make: the other
// members of a household when one of them (or the lead, or a re-pasted
// 接龙) cancels or changes its order, and whoever is on the way with an
// urgent order that was cancelled: nobody walks insulin to a door for
// nothing.

// actor says who changed an order, in the words its household reads.
type actor int

const (
	byMember actor = iota // a member of the household
	byLead                // the building's lead (a message or a 接龙)
)

// tellCancelled tells o's household, but for by itself, that o was
// cancelled, and the claimer or team of an urgent o that it is off.
func (b *Bot) tellCancelled(ctx context.Context, o orders.Order, by string, who actor) {
	b.tellOthers(ctx, o, by, "cancelled", textCancelledNotice(o, who))
	if !o.Urgent {
		return
	}
	if o.ClaimedBy != "" {
		b.tell(ctx, orders.Notice{ID: "urgent-off:" + o.ID + ":" + o.ClaimedBy, OpenID: o.ClaimedBy, Kind: "urgent", Text: textUrgentCancelled(o)})
		return
	}
	pushed, err := b.Store.Marked(ctx, urgent.PushedMark(o.ID))
	if err != nil {
		b.Log.Error("urgent order pushed?", "order", o.ID, "err", err)
	}
	if !pushed {
		return
	}
	team, err := b.urgent().Team(ctx, o.Grid)
	if err != nil {
		b.Log.Error("urgent team", "order", o.ID, "err", err)
		return
	}
	ns := make([]orders.Notice, 0, len(team))
	for _, u := range team {
		if u != by {
			ns = append(ns, orders.Notice{ID: "urgent-off:" + o.ID + ":" + u, OpenID: u, Kind: "urgent", Text: textUrgentCancelled(o)})
		}
	}
	b.tell(ctx, ns...)
}

// tellChanged tells o's household that the lead changed o.
func (b *Bot) tellChanged(ctx context.Context, o orders.Order, by string) {
	b.tellOthers(ctx, o, by, "changed", textChangedNotice(o))
}

// toHousehold queues a notice (n's Kind, Text and Data) to everyone bound
// to o's household but except, under id "<idp>:<openid>". It reports
// false when nobody could be told: nobody is bound, or the outbox refused
// (logged: the change is done whatever becomes of the notice).
func (b *Bot) toHousehold(ctx context.Context, o orders.Order, except, idp string, n orders.Notice) (bool, error) {
	users, err := b.Store.HouseholdUsers(ctx, o.Household())
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
	if err := b.Notices.Enqueue(ctx, ns...); err != nil {
		b.Log.Error("queue notice", "kind", n.Kind, "order", o.ID, "err", err)
		return false, nil
	}
	return true, nil
}

// tellOthers is toHousehold for a change by someone (by) whose own answer
// is given already: a failure is logged, and changes nothing.
func (b *Bot) tellOthers(ctx context.Context, o orders.Order, by, kind, text string) {
	if _, err := b.toHousehold(ctx, o, by, kind+":"+o.ID+":"+o.UpdatedAt.Format("150405.000"), orders.Notice{Kind: kind, Text: text}); err != nil {
		b.Log.Error("household users", "order", o.ID, "err", err)
	}
}
