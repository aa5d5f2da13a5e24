package bot

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
)

// Money (see actions/money.go): a volunteer says what they took at the
// door (完成 3 已收50); a lead confirms the group's payments (已收款
// 3-2-501 3-2-502, or the 群收款 list pasted) and money given back (已退款
// 1001); a resident says they paid (已付款 1001); a supplier says what it
// cannot pack (缺货 蔬菜包 20).

// Money words, after zh.Fold.
var (
	collectedWords = []string{"已收款", "收款确认", "确认收款", "群收款"}
	paidWords      = []string{"已付款", "已付钱", "付过了", "已付", "已转账", "转过了"}
	refundedWords  = []string{"已退款", "退款了", "已退钱"}
	shortWords     = []string{"缺货", "缺少", "不够"}
)

// reCollected reads what a volunteer took at the door after 完成 3: 已收50,
// 收了50元, 收现金50, 收款 12.5.
var reCollected = regexp.MustCompile(`(?:已收|收了|收到|收款|收现金|收)\D{0,3}?(\d{1,5}(?:\.\d{1,2})?)\s*(?:元|块)?`)

// moneyFiller is what may surround 收 without saying an amount: 已收款,
// 收了钱, 收到现金了.
const moneyFiller = "款钱了到现金元块啦的整 ，,。.!！"

// splitCollected cuts what was collected off a 完成 reference: "3 已收50"
// is stop 3 and 5000 fen; "3 已收款" (money taken, no amount said) is
// what the order owes (actions.CollectOwed); 收了五十 is 5000. fen is 0
// when nothing is said of money; ok is false when something was said
// about money that is not an amount (收了一半).
func splitCollected(rest string) (ref string, fen int64, ok bool) {
	rest = strings.TrimSpace(zh.Fold(rest))
	m := reCollected.FindStringSubmatchIndex(rest)
	if m == nil {
		before, after, said := strings.Cut(rest, "收")
		if !said {
			return strings.Trim(rest, " 号#第户"), 0, true
		}
		ref = strings.Trim(before, " 号#第户，,已")
		after = strings.Trim(after, moneyFiller)
		if after == "" {
			return ref, actions.CollectOwed, true
		}
		if yuan, ok := zh.ParseNumber(after); ok && yuan > 0 {
			return ref, int64(yuan) * 100, true
		}
		return ref, 0, false
	}
	yuan, err := strconv.ParseFloat(rest[m[2]:m[3]], 64)
	if err != nil || yuan <= 0 {
		return "", 0, false
	}
	// What follows the amount says its kind (现金, 钱了) or thanks (谢谢,
	// 👍, 整): no part of the reference.
	tail := strings.Trim(rest[m[1]:], moneyFiller)
	if isThanks(nil, nil, tail) {
		tail = ""
	}
	ref = strings.Trim(rest[:m[0]]+" "+tail, " 号#第户，,")
	return ref, int64(yuan*100 + 0.5), true
}

// collectDoors handles a lead's 已收款 <doors> (or the 群收款 list).
func (b *Bot) collectDoors(ctx context.Context, msg *Message, rest string) (string, error) {
	doors := orders.FindAddresses(zh.Fold(rest), b.known, 500)
	if len(doors) == 0 {
		return textCollectHowTo, nil
	}
	res, err := b.Actions.CollectDoors(ctx, msg.actor(), doors)
	if errors.Is(err, actions.ErrForbidden) {
		for _, d := range doors {
			if !orders.Owns(msg.Leads, d.Building) {
				return textNotYourBuilding(d.Building), nil
			}
		}
	}
	if err != nil {
		return "", err
	}
	return fit(textCollected(res)), nil
}

// claimPaid handles a resident's 已付款 <订单号>.
func (b *Bot) claimPaid(ctx context.Context, msg *Message, rest string) (string, error) {
	if !msg.From.Bound {
		return b.bindBefore(), nil
	}
	id := strings.Trim(rest, " #号：:")
	if !isDigits(id) {
		return textClaimPaidHowTo, nil
	}
	o, err := b.Actions.ClaimPaid(ctx, msg.actor(), id)
	var pe *orders.PaymentError
	switch {
	case isNotFound(err):
		return textCancelNotFound(id), nil
	case errors.As(err, &pe):
		return textPayAlready(pe.Order), nil
	case err != nil:
		return "", err
	}
	return textPaidClaimed(o), nil
}

// refunded handles a lead's 已退款 <订单号>.
func (b *Bot) refunded(ctx context.Context, msg *Message, rest string) (string, error) {
	id := strings.Trim(rest, " #号：:")
	if !isDigits(id) {
		return textRefundHowTo, nil
	}
	o, err := b.Actions.Refunded(ctx, msg.actor(), id)
	var pe *orders.PaymentError
	switch {
	case isNotFound(err):
		return textDeliverNoOrder(id), nil
	case errors.As(err, &pe):
		return textNoRefundDue(pe.Order), nil
	case err != nil:
		return "", err
	}
	return textRefunded(o), nil
}

// reShortQty reads how many a supplier lacks: 20, 20份, 二十.
var reShortQty = regexp.MustCompile(`([0-9]+|[零一二两三四五六七八九十百千]+)`)

// shortfall handles a supplier's 缺货 <item> <qty>.
func (b *Bot) shortfall(ctx context.Context, msg *Message, rest string) (string, error) {
	var it *catalog.Item
	rs := []rune(rest)
	at := 0
	for i := range rs {
		if found, n := b.Catalog.MatchAt(rs[i:]); found != nil {
			it, at = found, i+n
			break
		}
	}
	if it == nil {
		return textShortHowTo, nil
	}
	m := reShortQty.FindString(string(rs[at:]))
	qty, ok := zh.ParseNumber(m)
	if m == "" || !ok || qty < 1 {
		return textShortHowTo, nil // 缺货 蔬菜包: how many?
	}
	item := orders.ItemRequest{SKU: it.SKU, Qty: qty}
	res, err := b.Actions.Shortfall(ctx, msg.actor(), item.SKU, item.Qty, "")
	var se *actions.ShortfallError
	switch {
	case errors.Is(err, actions.ErrForbidden):
		return textShortNotYours, nil
	case errors.Is(err, actions.ErrAmount):
		return textShortTooBig(b.itemName(item.SKU), item.Qty, orders.MaxQty*100), nil
	case errors.Is(err, actions.ErrNoPicklist):
		return textShortNoPicklist, nil
	case errors.As(err, &se) && errors.Is(err, actions.ErrShortfallDown):
		return textShortDown(b.itemName(item.SKU), se.Before), nil
	case errors.As(err, &se):
		return textShortTooLarge(b.itemName(item.SKU), item.Qty, se.Before+se.Open), nil
	case err != nil:
		return "", err
	}
	return textShortDone(res), nil
}

// itemName names sku as residents do.
func (b *Bot) itemName(sku string) string {
	if it, ok := b.Catalog.Item(sku); ok {
		return it.Name
	}
	return sku
}
