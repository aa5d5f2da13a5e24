package bot

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
)

// Notices queues messages to users outside the reply to their own message
// (a delivery notice). Outbox is the implementation.
type Notices interface {
	Enqueue(ctx context.Context, ns ...orders.Notice) error
}

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

// paste turns a lead's list into orders (see orders.Lists.Apply).
func (b *Bot) paste(ctx context.Context, msg *Message, _ string) (string, error) {
	buildings, res, jielong := msg.Leads, b.leadLines(msg), orders.IsJielong(msg.Content)
	title := ""
	if jielong {
		title = res.Title
	}
	key := orders.ListKey(msg.OpenID, title)
	if !jielong {
		// One-off order lines accumulate in a list of their own that
		// never cancels what is not repeated.
		key = orders.ListKey(msg.OpenID, "\x00direct")
	}
	now := b.Now()
	listID, err := b.Store.ListFor(ctx, key, orders.NewListID(key, now), orders.ListIdle)
	if err != nil {
		return "", err
	}
	lreq := orders.ListRequest{
		Lead: msg.OpenID, Buildings: buildings, CancelMissing: jielong, At: now, ListID: listID,
	}
	for _, pl := range res.Orders {
		lreq.Lines = append(lreq.Lines, orders.ListLine{Line: pl.Line, Number: pl.Number, Address: pl.Address, Items: pl.Items, Contact: pl.Phone, Urgent: pl.Urgent, Note: pl.Note})
	}
	rep, err := b.Lists.Apply(ctx, lreq, len(res.Rejected))
	days := b.days(msg)
	switch {
	case err != nil && !rep.Interrupted:
		msg.readOnly = true // nothing written: 系统繁忙 is true
		return "", err
	case err != nil:
		// Say what was done; the lead pastes again for the rest. No
		// notices while Redis fails: the urgent job pushes urgent
		// orders later, and the reply lists those awaiting a
		// prescription.
		b.Log.Error("paste interrupted", "err", err, "households", len(rep.Results),
			"unknown", rep.Count(orders.OutcomeUnknown), "not_done", rep.Count(orders.OutcomeNotDone))
	default:
		// The orders are placed whatever becomes of the notices.
		if err := b.notifyRxPasted(ctx, rep); err != nil {
			b.Log.Error("paste: prescription notices", "err", err)
		}
		for _, r := range rep.Results {
			switch r.Outcome {
			case orders.OutcomeCancelled:
				b.tellCancelled(ctx, r.Order, msg.OpenID, byLead)
			case orders.OutcomeUpdated:
				b.tellChanged(ctx, r.Order, msg.OpenID)
			}
		}
	}
	var placed []orders.Order
	for _, r := range rep.Results {
		if r.Outcome == orders.OutcomeCreated || r.Outcome == orders.OutcomeUpdated || r.Outcome == orders.OutcomeUnchanged {
			placed = append(placed, r.Order)
		}
	}
	reply := textPasted(pasteView{
		jielong: jielong, title: title, report: rep, rejected: res.Rejected, overridden: res.Overridden,
		totals: orders.Totals(b.Catalog, placed), households: len(placed), catalog: b.Catalog, days: days,
	})
	if rep.Interrupted {
		return reply, nil
	}
	pushed, err := b.pushPasted(ctx, rep, reply)
	if err != nil {
		b.Log.Error("paste: urgent pushes", "err", err)
		return reply, nil
	}
	return pushed, nil
}

// reScope reads a building, or a building and unit: 3栋, 3号楼2单元, 3-2.
var reScope = regexp.MustCompile(`^([0-9零〇一二三四五六七八九十两]{1,4})\s*(?:号楼|栋|幢|#|号|-)\s*(?:([0-9零〇一二三四五六七八九十两]{1,2})\s*(?:单元|门|单)?)?$`)

// deliver marks the lead's pending orders for an order id, a household, a
// unit or a building delivered, and tells each household.
func (b *Bot) deliver(ctx context.Context, msg *Message, rest string) (string, error) {
	buildings := msg.Leads
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return textDeliverHowTo, nil
	}
	owns := func(building string) bool { return orders.Owns(buildings, building) }
	var match func(o *orders.Order) bool
	var where string
	if isDigits(rest) && len(rest) >= 4 {
		o, err := b.Store.Order(ctx, rest)
		if errors.Is(err, orders.ErrNotFound) || (err == nil && !owns(o.Address.Building)) {
			return textDeliverNoOrder(rest), nil
		}
		if err != nil {
			return "", err
		}
		match, where = func(x *orders.Order) bool { return x.ID == o.ID }, "订单 "+o.ID
	} else if m, ok := orders.FindAddress(rest, b.known); ok && m.Start == 0 && strings.TrimSpace(rest[m.End:]) == "" {
		hh := m.Address.Household()
		match, where = func(x *orders.Order) bool { return x.Household() == hh }, m.Address.String()
		if !owns(m.Building) {
			return textNotYourBuilding(m.Building), nil
		}
	} else if sm := reScope.FindStringSubmatch(rest); sm != nil {
		bld, ok := zh.ParseNumber(sm[1])
		if !ok {
			return textDeliverHowTo, nil
		}
		building := orders.CanonicalBuilding(strconv.Itoa(bld))
		if !owns(building) {
			return textNotYourBuilding(building), nil
		}
		unit := ""
		if sm[2] != "" {
			u, ok := zh.ParseNumber(sm[2])
			if !ok {
				return textDeliverHowTo, nil
			}
			unit = strconv.Itoa(u)
		}
		where = buildingUnit(orders.Address{Building: building, Unit: unit})
		match = func(x *orders.Order) bool {
			return orders.CanonicalBuilding(x.Address.Building) == building && (unit == "" || x.Address.Unit == unit)
		}
	} else {
		return textDeliverHowTo, nil
	}

	// Every undelivered order of the place, whatever its order day: an
	// order placed after the cutoff is handed over as any other. Orders
	// awaiting a prescription were not packed.
	var targets []orders.Order
	for _, g := range b.Community.Grids {
		open, err := b.Store.OpenOrders(ctx, g.ID)
		if err != nil {
			return "", err
		}
		for i := range open {
			if open[i].Status.Open() && owns(open[i].Address.Building) && match(&open[i]) {
				targets = append(targets, open[i])
			}
		}
	}
	if len(targets) == 0 {
		return textDeliverNothing(where), nil
	}
	var dv deliveryView
	dv.where = where
	for _, o := range targets {
		d, err := b.Store.Transition(ctx, o.ID, orders.StatusDelivered, msg.OpenID, "送达", b.Now())
		if errors.Is(err, orders.ErrConflict) {
			continue // delivered or cancelled meanwhile
		}
		if err != nil {
			return "", err
		}
		dv.orders = append(dv.orders, d)
		notified, err := b.notifyDelivered(ctx, d)
		if err != nil {
			return "", err
		}
		if !notified {
			dv.toPhone = append(dv.toPhone, d)
			continue
		}
		dv.notified++
	}
	return textDelivered(dv), nil
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
	bd, bound := msg.From.Binding, msg.From.Bound
	if !bound {
		return b.bindFirst(), nil
	}
	list, err := b.Store.HouseholdOrders(ctx, bd.Address.Household(), 50)
	if err != nil {
		return "", err
	}
	var done []orders.Order
	for _, o := range list {
		if o.Status != orders.StatusDelivered {
			continue
		}
		r, err := b.Store.Transition(ctx, o.ID, orders.StatusReceived, msg.OpenID, "居民确认收到", b.Now())
		if errors.Is(err, orders.ErrConflict) {
			continue
		}
		if err != nil {
			return "", err
		}
		done = append(done, r)
	}
	if len(done) == 0 {
		return textNothingToReceive, nil
	}
	return textReceived(done), nil
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

// leadCancel cancels a household's pending orders in the lead's building.
func (b *Bot) leadCancel(ctx context.Context, msg *Message, rest string) (string, error) {
	m, _ := orders.FindAddress(rest, b.known)
	a := m.Address
	if !orders.Owns(msg.Leads, a.Building) {
		return textNotYourBuilding(a.Building), nil
	}
	list, err := b.Store.HouseholdOrders(ctx, a.Household(), 50)
	if err != nil {
		return "", err
	}
	var done, late []orders.Order
	for _, o := range list {
		switch {
		case orders.CallOff(o):
			c, err := b.Store.CancelOrder(ctx, o.ID, msg.OpenID, "楼栋长取消", b.Now())
			if errors.Is(err, orders.ErrConflict) {
				late = append(late, c)
				continue
			}
			if err != nil {
				return "", err
			}
			b.tellCancelled(ctx, c, msg.OpenID, byLead)
			done = append(done, c)
		case o.Status == orders.StatusAssigned:
			late = append(late, o)
		}
	}
	return textLeadCancelled(a, done, late), nil
}
