package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
)

// Volunteers: 任务 shows their round, 完成 <n> delivers a stop (or an
// urgent order they claimed), 报名志愿者 signs up, 同意志愿者 <code> is a
// lead's approval; suppliers say 备货完成.

func (b *Bot) tasks(ctx context.Context, msg *Message) (string, error) {
	r, err := b.Actions.CurrentRound(ctx, msg.OpenID)
	if err != nil {
		return "", err
	}
	if r == nil {
		return textNoTasks, nil
	}
	return textTasks(r.Roster, r.Share, r.Orders, b.Location), nil
}

// done handles 完成 <第几户 or 订单号> [已收50].
func (b *Bot) done(ctx context.Context, msg *Message, rest string) (string, error) {
	ref, collected, ok := splitCollected(rest)
	if !ok {
		return textCollectAmountHowTo, nil
	}
	if n, ok := zh.ParseNumber(ref); ok && !isDigits(ref) {
		ref = strconv.Itoa(n) // 完成第三户, as a voice message writes it
	}
	res, err := b.Actions.Finish(ctx, msg.actor(), ref, collected)
	var noStop *actions.NoStopError
	switch {
	case errors.Is(err, actions.ErrNoRound):
		return textNoTasks, nil
	case errors.As(err, &noStop):
		if !isDigits(ref) {
			return textDoneHowTo, nil
		}
		return textDoneNoStop(ref, noStop.Stops), nil
	case errors.Is(err, orders.ErrConflict) && res.Claimed:
		return textClaimClosed(res.Order), nil
	case errors.Is(err, orders.ErrConflict):
		return textDoneAlready(res.Stop, res.Order.Status), nil
	case err != nil:
		return "", err
	}
	var reply string
	switch {
	case res.Already && res.Claimed:
		reply = textClaimClosed(res.Order)
	case res.Already:
		reply = textDoneAlready(res.Stop, res.Order.Status)
	case res.Claimed:
		reply = textClaimDone(res.Order, res.Notified)
	default:
		reply = textDone(res.Stop, res.Notified, res.Left)
	}
	if res.Collected != 0 {
		reply += "\n" + textDoorPayment(res.Order, ref, res.Collected, res.PayErr)
	}
	return reply, nil
}

// signUp files a bound resident's application to volunteer in their grid
// and asks the grid's leads to approve it.
func (b *Bot) signUp(ctx context.Context, msg *Message, rest string) (string, error) {
	if !msg.From.Bound {
		return b.bindBefore(), nil
	}
	// 报名志愿者 林师傅 13800001111: volunteers are people the residents
	// are told of by name, and the office must be able to ring them.
	phone, name := orders.StripPhone(rest)
	name = strings.Trim(name, " ，,。、：:")
	if name == "" || phone == "" || utf8.RuneCountInString(name) > 10 {
		return textSignUpHowTo(name == "" || utf8.RuneCountInString(name) > 10, phone == ""), nil
	}
	res, err := b.Actions.SignUp(ctx, msg.actor(), name, phone)
	switch {
	case err != nil:
		return "", err
	case res.Again:
		return textSignedUpAlready(res.Application.Code), nil
	}
	return textSignedUp(res.Application.Code, res.Asked), nil
}

func (b *Bot) approve(ctx context.Context, msg *Message, code string) (string, error) {
	app, err := b.Actions.DecideApplication(ctx, msg.actor(), code, true)
	switch {
	case isNotFound(err):
		return textApplicationNotFound(code), nil
	case errors.Is(err, actions.ErrForbidden):
		return textOnlyGridLead, nil
	case err != nil:
		return "", err
	}
	return textApproved(app), nil
}

// readyAll is 备货完成: the sender's supplier is ready in the message's
// community and, on an account of several, in every other community
// whose catalog names them its contact (one pick list each).
func (b *Bot) readyAll(ctx context.Context, m *Message) (string, error) {
	if !b.Account.several() {
		return b.ready(ctx, m)
	}
	var replies []string
	for _, o := range b.Account.Bots {
		if o.Catalog.SupplierOf(m.OpenID) == "" {
			continue
		}
		r, err := o.ready(ctx, m)
		if err != nil {
			return "", err
		}
		replies = append(replies, o.Community.Name+"："+r)
	}
	return strings.Join(replies, "\n"), nil
}

// ready records that a supplier packed its latest pick list and tells
// every grid's volunteers to collect.
func (b *Bot) ready(ctx context.Context, m *Message) (string, error) {
	res, err := b.Actions.Ready(ctx, m.actor())
	switch {
	case err != nil:
		return "", err
	case res.Day == "":
		return textNoPicklist, nil
	case res.Again:
		return textReadyAlready(res.Day), nil
	}
	return textReady(res.Day, res.Told), nil
}
