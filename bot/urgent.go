package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// Urgent requests: an urgent order is pushed at once to its grid's
// volunteers and leads (actions.Place), the first to reply 领取 <订单号>
// gets it, and the resident is told who is coming. Nobody claiming it in
// time is the escalation job's business (package jobs).

// claimText handles 领取 <订单号>, and 领取 alone from someone who may claim.
func (b *Bot) claimText(ctx context.Context, msg *Message, rest string) (string, error) {
	id := strings.Trim(rest, " #号：:")
	if id == "" {
		return textClaimHowTo, nil
	}
	if len(id) > 9 {
		return textClaimNotFound(id[:9] + "…"), nil // no order has such a number
	}
	res, err := b.Actions.Claim(ctx, msg.actor(), id)
	switch {
	case isNotFound(err):
		return textClaimNotFound(id), nil
	case errors.Is(err, actions.ErrForbidden):
		return textClaimNotAllowed, nil
	case errors.Is(err, actions.ErrNotUrgent):
		return textClaimNotUrgent(id), nil
	case err != nil:
		return "", err
	}
	switch res.Step {
	case actions.Yours:
		return textClaimYours(res.Order), nil
	case actions.Taken:
		return textClaimTaken(res.Order, res.HolderName), nil
	case actions.Closed:
		return textClaimClosed(res.Order), nil
	}
	return textClaimed(res.Order, res.Marks, res.Told), nil
}

// cry answers a cry for help (救命, 晕倒, 喘不上气 …): it is never refused
// for its wording or its sender. A bound resident's cry that is an order
// of goods we have for their own door (救命 胰岛素1支) is an urgent order,
// paged to the team at once; any other is passed as written to those who
// can be at the door soonest (see actions.Service.Cry). Either way the
// answer says to call 120 first.
func (b *Bot) cry(ctx context.Context, msg *Message, s string) (string, error) {
	msg.cry = true
	if msg.From.Bound && b.ordersOnly(msg, s) {
		return b.order(ctx, msg, s)
	}
	return b.urgentHelp(ctx, msg, s)
}

// ordersOnly reports whether folded s, urgent words aside, is an order of
// goods of the catalog for the sender's own door, and nothing else.
func (b *Bot) ordersOnly(msg *Message, s string) bool {
	_, s = orders.StripPhone(s)
	s, _ = orders.CutUrgent(b.Catalog, s)
	if orders.IsCry(b.Catalog, s) {
		return false // 晕倒, 喘不上气: words about a person, not goods
	}
	s, _ = orders.CutNote(s)
	if m, ok := orders.FindAddress(s, nil); ok {
		if m.Address != msg.From.Binding.Address {
			return false
		}
		s = s[:m.Start] + " " + s[m.End:]
	}
	p := orders.ParseItems(b.Catalog, s)
	return len(p.Items) > 0 && len(p.Unknown) == 0
}

// urgentHelp passes a cry for help that is not an order we can place to
// the people who can be at the door soonest, as the resident wrote it (or
// said it), naming every door it mentions; from someone not bound, to the
// community's staff and the leads of the buildings it names. s is the
// folded text.
func (b *Bot) urgentHelp(ctx context.Context, msg *Message, s string) (string, error) {
	text := strings.TrimSpace(msg.Content)
	if msg.heard != "" {
		text = textVoiceSaid(msg.heard) // the team hears it came by voice
	}
	to := b
	doors := orders.FindAddresses(s, nil, 3)
	if !msg.From.Bound && len(doors) > 0 && b.Account.several() {
		// Someone not bound yet names a door: the community that has it
		// hears the cry.
		if fits := b.Account.fitting(doors[0]); len(fits) > 0 {
			to = fits[0]
		}
	}
	var here []orders.Address
	for _, d := range doors {
		if _, err := to.Community.Locate(d); err == nil {
			here = append(here, d)
		}
	}
	actor := msg.actor()
	if to != b {
		actor.Home = nil
	}
	res, err := to.Actions.Cry(ctx, actor, actions.CryRequest{Text: text, Doors: here})
	switch {
	case err != nil:
		return "", err
	case res.Again:
		return textHelpAgain, nil
	case !msg.From.Bound:
		return textHelpUnbound(res.Reach, here, to.Community.Phone), nil
	}
	return textHelpPassed(res.Reach, here, to.Community.Phone), nil
}

// pasteUrgentLine puts a line about the urgent orders a lead's paste
// pushed first in the reply.
func pasteUrgentLine(res actions.PasteResult, reply string) string {
	if len(res.Urgent) == 0 {
		return reply
	}
	return fit(textUrgentPasted(res.Urgent, res.Reach) + "\n" + reply)
}
