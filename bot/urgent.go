package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/baogong/baogong/actions"
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

// urgentHelp passes a cry for help that is not an order we can place
// (救命 我爸心脏病药吃完了) to the grid's volunteers and leads at once, as
// the resident wrote it (or said it), so a person reads it.
func (b *Bot) urgentHelp(ctx context.Context, msg *Message, text string) (string, error) {
	if msg.heard != "" {
		text = textVoiceSaid(msg.heard) // the team hears it came by voice
	}
	res, err := b.Actions.Cry(ctx, msg.actor(), text)
	switch {
	case err != nil:
		return "", err
	case res.Again:
		return textHelpAgain, nil
	case res.Nobody:
		return textHelpNobody, nil
	}
	return textHelpPassed, nil
}

// pasteUrgentLine puts a line about the urgent orders a lead's paste
// pushed first in the reply.
func pasteUrgentLine(res actions.PasteResult, reply string) string {
	if len(res.Urgent) == 0 {
		return reply
	}
	return fit(textUrgentPasted(res.Urgent, res.Reach) + "\n" + reply)
}
