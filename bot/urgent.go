package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// Urgent requests (issue 5): an urgent order is pushed at once to its
// grid's volunteers and leads, the first to reply 领取 <订单号> gets it,
// and the resident is told who is coming. Nobody claiming it in time is
// the escalation job's business (package jobs).

// urgent is the urgent protocol the urgent job runs too (package urgent).
func (b *Bot) urgent() *urgent.Protocol {
	return &urgent.Protocol{Store: b.Store, Community: b.Community, Notices: b.Notices, Log: b.Log}
}

// pushUrgent pushes the urgent order o at once (see urgent.Protocol.Push),
// reading its household's marks. A failure to queue is logged, not
// returned: the order stands, and the urgent job pushes it within a
// minute.
func (b *Bot) pushUrgent(ctx context.Context, o orders.Order) (urgent.Reach, error) {
	if o.Status != orders.StatusPending {
		return urgent.Team, nil
	}
	marks, err := b.Store.HouseholdMarks(ctx, o.Household())
	if err != nil {
		return urgent.Team, err
	}
	return b.pushUrgentMarked(ctx, o, marks), nil
}

// pushUrgentMarked is pushUrgent when the household's marks are known.
func (b *Bot) pushUrgentMarked(ctx context.Context, o orders.Order, marks []orders.Mark) urgent.Reach {
	to, err := b.urgent().Push(ctx, o, marks)
	if err != nil {
		b.Log.Error("push urgent order", "order", o.ID, "err", err)
	}
	return to
}

// claimText handles 领取 <订单号>, and 领取 alone from someone who may claim.
func (b *Bot) claimText(ctx context.Context, msg *Message, rest string) (string, error) {
	id := strings.Trim(rest, " #号：:")
	if id == "" {
		return textClaimHowTo, nil
	}
	if len(id) > 9 {
		return textClaimNotFound(id[:9] + "…"), nil // no order has such a number
	}
	return b.claim(ctx, msg, id)
}

func (b *Bot) claim(ctx context.Context, msg *Message, id string) (string, error) {
	o, err := b.Store.Order(ctx, id)
	if errors.Is(err, orders.ErrNotFound) {
		return textClaimNotFound(id), nil
	}
	if err != nil {
		return "", err
	}
	if ok, err := b.urgent().MayClaim(ctx, msg.OpenID, o.Grid); err != nil || !ok {
		return textClaimNotAllowed, err
	}
	if !o.Urgent {
		return textClaimNotUrgent(id), nil
	}
	if o.Status == orders.StatusAssigned && o.Assignee == msg.OpenID {
		return textClaimYours(o), nil
	}
	got, holder, err := b.Store.ClaimOrder(ctx, id, msg.OpenID, b.Now())
	switch {
	case errors.Is(err, orders.ErrConflict):
		if got.Status == orders.StatusAssigned {
			return textClaimTaken(got, b.claimerName(ctx, got.Assignee)), nil
		}
		return textClaimClosed(got), nil
	case err != nil:
		return "", err
	case holder != msg.OpenID:
		return textClaimTaken(got, b.claimerName(ctx, holder)), nil
	}
	told, err := b.tellClaimed(ctx, got, msg.OpenID)
	if err != nil {
		return "", err
	}
	marks, err := b.Store.HouseholdMarks(ctx, got.Household())
	if err != nil {
		return "", err
	}
	return textClaimed(got, marks, told), nil
}

// claimerName names whoever claimed an order for another volunteer: by
// the address of their household when they are bound, else 另一位志愿者.
func (b *Bot) claimerName(ctx context.Context, openid string) string {
	return b.volunteerName(ctx, openid, textAnotherVolunteer)
}

// comingFrom names the claimer for the resident: their building and unit
// when bound, never their door or phone, else 社区志愿者.
func (b *Bot) comingFrom(ctx context.Context, openid string) string {
	return b.volunteerName(ctx, openid, textCommunityVolunteer)
}

// volunteerName names a volunteer by the building and unit they live in,
// never their door or phone (for residents and other volunteers alike),
// or unknown when they are not bound.
func (b *Bot) volunteerName(ctx context.Context, openid, unknown string) string {
	if p, err := b.Store.Person(ctx, openid); err != nil {
		b.Log.Error("name of claimer", "err", err)
	} else if p.Name != "" {
		return textVolunteerNamed(p.Name) // 志愿者林师傅
	}
	bd, err := b.Store.Binding(ctx, openid)
	if err != nil {
		if !errors.Is(err, orders.ErrNotFound) {
			b.Log.Error("binding of claimer", "err", err)
		}
		return unknown
	}
	return textVolunteerOf(buildingUnit(bd.Address))
}

// helpWindow is how long a household's cry for help stays open: further
// cries within it do not page the team again.
const helpWindow = 10 * time.Minute

// urgentHelp passes a cry for help that is not an order we can place
// (救命 我爸心脏病药吃完了) to the grid's volunteers and leads at once, as
// the resident wrote it, so a person reads it. It returns the reply.
func (b *Bot) urgentHelp(ctx context.Context, msg *Message, bd orders.Binding, text string) (string, error) {
	// A household crying again while its first cry is fresh pages the
	// team once: thirty cries must not page every volunteer thirty times.
	open := "help-open:" + bd.Address.Household()
	paged, err := b.Store.Marked(ctx, open)
	if err != nil {
		return "", err
	}
	if paged {
		return textHelpAgain, nil
	}
	team, err := b.urgent().Team(ctx, bd.Grid)
	if err != nil {
		return "", err
	}
	if msg.heard != "" {
		text = textVoiceSaid(msg.heard) // the team hears it came by voice
	}
	if len(team) == 0 {
		team = b.Community.Admins
	}
	ns := make([]orders.Notice, 0, len(team))
	for _, u := range team {
		ns = append(ns, orders.Notice{ID: "help:" + msg.DedupeKey() + ":" + u, OpenID: u, Kind: "urgent",
			Text: textHelpPush(bd.Address, text)})
	}
	if len(ns) == 0 {
		return textHelpNobody, nil
	}
	if err := b.Notices.Enqueue(ctx, ns...); err != nil {
		return "", err
	}
	// Marked only once the team has it: a cry that failed to page must
	// page when repeated.
	if _, err := b.Store.MarkFor(ctx, open, helpWindow); err != nil {
		b.Log.Error("mark cry for help", "err", err)
	}
	return textHelpPassed, nil
}

// tellClaimed tells everyone bound to the household of o who is coming.
// It reports false when nobody could be told.
func (b *Bot) tellClaimed(ctx context.Context, o orders.Order, claimer string) (bool, error) {
	who := b.comingFrom(ctx, claimer)
	return b.toHousehold(ctx, o, "", "claimed:"+o.ID, orders.Notice{Kind: "claimed",
		Text: textClaimedNotice(o, who), Data: claimedTemplateData(o, who)})
}

// doneClaimed handles 完成 <订单号> for an order the volunteer claimed
// (claimed orders are on no roster). handled is false for anything else.
func (b *Bot) doneClaimed(ctx context.Context, msg *Message, ref string) (string, bool, error) {
	if !isDigits(ref) || len(ref) < 4 {
		return "", false, nil
	}
	holder, err := b.Store.Claimant(ctx, ref)
	if err != nil || holder != msg.OpenID {
		return "", false, err
	}
	o, err := b.Store.Order(ctx, ref)
	if errors.Is(err, orders.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if o.Assignee != msg.OpenID {
		return "", false, nil
	}
	d, err := b.Store.Transition(ctx, o.ID, orders.StatusDelivered, msg.OpenID, "志愿者送达", b.Now())
	if errors.Is(err, orders.ErrConflict) {
		return textClaimClosed(d), true, nil
	}
	if err != nil {
		return "", true, err
	}
	notified, err := b.notifyDelivered(ctx, d)
	if err != nil {
		return "", true, err
	}
	return textClaimDone(d, notified), true, nil
}

// pushPasted pushes the urgent orders a lead's paste created and puts a
// line about them first in the reply.
func (b *Bot) pushPasted(ctx context.Context, rep orders.ListReport, reply string) (string, error) {
	var pushed []orders.Address
	to := urgent.Team
	for _, r := range rep.Results {
		if r.Outcome != orders.OutcomeCreated || !r.Order.Urgent || r.Order.Status != orders.StatusPending {
			continue
		}
		got, err := b.pushUrgent(ctx, r.Order)
		if err != nil {
			return "", err
		}
		to = max(to, got) // one grid per lead's list, mostly
		pushed = append(pushed, r.Order.Address)
	}
	if len(pushed) == 0 {
		return reply, nil
	}
	return fit(textUrgentPasted(pushed, to) + "\n" + reply), nil
}
