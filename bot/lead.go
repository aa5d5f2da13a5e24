package bot

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
)

// leadLines parses a lead's text as order lines for households, once per
// message: in a lead of one building, a line may leave the building out.
func (b *Bot) leadLines(m *Message) orders.TextResult {
	if m.lines == nil {
		pc := orders.Context{Known: b.known}
		if len(m.Leads) == 1 {
			pc.Building = orders.CanonicalBuilding(m.Leads[0])
		}
		res := orders.ParseText(b.Catalog, m.Content, pc)
		m.lines = &res
	}
	return *m.lines
}

// paste turns a lead's list into orders (see actions.Service.Paste).
func (b *Bot) paste(ctx context.Context, msg *Message, _ string) (string, error) {
	res, jielong := b.leadLines(msg), orders.IsJielong(msg.Content)
	req := actions.PasteRequest{Jielong: jielong, Unreadable: len(res.Rejected)}
	if jielong {
		req.Title = res.Title
	}
	for _, pl := range res.Orders {
		req.Lines = append(req.Lines, orders.ListLine{Line: pl.Line, Number: pl.Number, Address: pl.Address, Items: pl.Items, Contact: pl.Phone, Urgent: pl.Urgent, Note: pl.Note})
	}
	done, err := b.Actions.Paste(ctx, msg.actor(), req)
	rep := done.Report
	switch {
	case err != nil && !rep.Interrupted:
		msg.readOnly = true // nothing written: 系统繁忙 is true
		return "", err
	case err != nil:
		// Say what was done; the lead pastes again for the rest.
		b.Log.Error("paste interrupted", "err", err, "households", len(rep.Results),
			"unknown", rep.Count(orders.OutcomeUnknown), "not_done", rep.Count(orders.OutcomeNotDone))
	}
	var placed []orders.Order
	for _, r := range rep.Results {
		if counted(r.Outcome) {
			placed = append(placed, r.Order)
		}
	}
	reply := textPasted(pasteView{
		jielong: jielong, title: req.Title, lead: msg.OpenID, report: rep, rejected: res.Rejected, overridden: res.Overridden,
		totals: orders.Totals(b.Catalog, placed), households: len(placed), catalog: b.Catalog, days: b.days(msg),
	})
	reply = pasteUrgentLine(done, reply)
	if !msg.cry { // a message that cries as a whole was paged as a whole
		reply = b.pasteCries(ctx, msg, res, reply)
	}
	return reply, nil
}

// reScope reads a building, or a building and unit: 3栋, 3号楼2单元, 3-2.
var reScope = regexp.MustCompile(`^([0-9零〇一二三四五六七八九十两]{1,4})\s*(?:号楼|栋|幢|#|号|-)\s*(?:([0-9零〇一二三四五六七八九十两]{1,2})\s*(?:单元|门|单)?)?$`)

// deliver marks the lead's pending orders for an order id, a household, a
// unit or a building delivered, and tells each household.
func (b *Bot) deliver(ctx context.Context, msg *Message, rest string) (string, error) {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return textDeliverHowTo, nil
	}
	var scope actions.Scope
	var where string
	if id, ok := orderRef(rest); ok {
		scope.OrderID, where = id, "订单 "+id
	} else if a, ok := b.leadHousehold(rest); ok {
		scope.Household, where = &a, a.String()
	} else if sm := reScope.FindStringSubmatch(rest); sm != nil {
		bld, ok := zh.ParseNumber(sm[1])
		if !ok {
			return textDeliverHowTo, nil
		}
		scope.Building = orders.CanonicalBuilding(strconv.Itoa(bld))
		if sm[2] != "" {
			u, ok := zh.ParseNumber(sm[2])
			if !ok {
				return textDeliverHowTo, nil
			}
			scope.Unit = strconv.Itoa(u)
		}
		where = buildingUnit(orders.Address{Building: scope.Building, Unit: scope.Unit})
	} else {
		return textDeliverHowTo, nil
	}
	res, err := b.Actions.Deliver(ctx, msg.actor(), scope, "")
	switch {
	case isNotFound(err):
		return textDeliverNoOrder(firstNonEmpty(scope.OrderID, rest)), nil
	case errors.Is(err, actions.ErrForbidden):
		building := scope.Building
		if scope.Household != nil {
			building = scope.Household.Building
		}
		return b.notYourBuilding(msg, building), nil
	case errors.Is(err, orders.ErrConflict):
		return textDeliverNothing(where), nil
	case err != nil:
		return "", err
	}
	if len(res.Orders) == 0 {
		return textDeliverNothing(where), nil
	}
	return textDelivered(deliveryView{where: where, orders: res.Orders, notified: res.Notified, toPhone: res.ToPhone}), nil
}

func (b *Bot) summary(ctx context.Context, msg *Message, rest string) (string, error) {
	buildings := msg.Leads
	unit, ok := summaryUnit(rest)
	if !ok {
		return textSummaryHowTo, nil
	}
	days := b.days(msg)
	mine, err := orders.LeadOrders(ctx, b.Store, b.Community, buildings, unit, days)
	if err != nil {
		return "", err
	}
	sorted := append([]string(nil), buildings...)
	sort.Slice(sorted, func(i, j int) bool { return atoiOr(sorted[i]) < atoiOr(sorted[j]) })
	marked, err := b.markedIn(ctx, buildings)
	if err != nil {
		return "", err
	}
	totals := orders.Totals(b.Catalog, mine)
	full := textSummaryMarks(marked) + textSummary(sorted, unit, mine, totals, days)
	if len(full) <= maxReply || b.Links == nil {
		return fit(full), nil
	}
	// A building of 150 households does not fit a WeChat reply: the
	// totals, and every household on a printable page.
	return textSummaryLinked(sorted, unit, mine, totals, b.Links.Summary(msg.OpenID, unit)), nil
}

// summaryUnit reads what follows 汇总: nothing (every unit), or a unit
// (2单元, 2, 二单元). ok is false for anything else.
func summaryUnit(rest string) (string, bool) {
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "单元"))
	if rest == "" {
		return "", true
	}
	n, ok := zh.ParseNumber(rest)
	if !ok || n < 1 || n > 99 {
		return "", false
	}
	return strconv.Itoa(n), true
}

// received records a resident's 收到 on their household's delivered orders.
func (b *Bot) received(ctx context.Context, msg *Message) (string, error) {
	if !msg.From.Bound {
		return b.bindBefore(), nil
	}
	done, err := b.Actions.Received(ctx, msg.actor())
	if err != nil {
		return "", err
	}
	if len(done) == 0 {
		return textNothingToReceive, nil
	}
	return textReceived(done), nil
}

// orderRef reads an order id as a lead writes it after 送达 or 取消:
// 1001, 1001号, #1001, 订单1001, 第1001 (never building 1001).
func orderRef(s string) (string, bool) {
	id := strings.Trim(strings.TrimPrefix(strings.TrimSpace(s), "订单"), " #号：:第")
	return id, isDigits(id) && len(id) >= 4
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

// atoiOr orders "12" after "3"; what is not a number sorts first.
func atoiOr(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// leadCancel cancels a household's pending orders in the lead's
// building, or one order the lead placed, by its id (取消 1007: one of
// two orders a household got from two of the lead's lists).
func (b *Bot) leadCancel(ctx context.Context, msg *Message, rest string) (string, error) {
	if id, ok := orderRef(rest); ok {
		o, _, err := b.Actions.Cancel(ctx, msg.actor(), id, "", nil, nil)
		switch {
		case isNotFound(err):
			return textLeadCancelNotFound(id), nil
		case errors.Is(err, orders.ErrConflict):
			return textCancelTooLate(o), nil
		case err != nil:
			return "", err
		}
		return textLeadCancelled(o.Address, []orders.Order{o}, nil), nil
	}
	a, ok := b.leadHousehold(rest)
	if !ok {
		m, _ := orders.FindAddress(rest, b.known)
		a = m.Address
	}
	done, late, err := b.Actions.CancelHousehold(ctx, msg.actor(), a)
	switch {
	case errors.Is(err, actions.ErrForbidden):
		return b.notYourBuilding(msg, a.Building), nil
	case err != nil:
		return "", err
	}
	return textLeadCancelled(a, done, late), nil
}

// leadHousehold reads a lead's 送达 or 取消 naming one household and
// nothing else (3-2-501), of a building the community has or not: 9-1-101
// in a community without building 9 is answered as such, not as a
// sentence not understood.
func (b *Bot) leadHousehold(rest string) (orders.Address, bool) {
	for _, known := range []func(string) bool{b.known, nil} {
		if m, ok := orders.FindAddress(rest, known); ok && m.Start == 0 && strings.TrimSpace(rest[m.End:]) == "" {
			return m.Address, true
		}
	}
	return orders.Address{}, false
}

// notYourBuilding answers a lead who named a building they do not lead:
// one the community does not have (9栋, a typo) is named as such, with
// the lead's own buildings, rather than as another lead's.
func (b *Bot) notYourBuilding(msg *Message, building string) string {
	if _, ok := b.Community.GridOf(building); !ok {
		return textNoSuchBuilding(building, msg.Leads)
	}
	return textNotYourBuilding(building)
}
