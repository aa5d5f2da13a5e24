package reports

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/baogong/baogong/orders"
)

// Round is one volunteer's share of a roster as their phone shows it: a
// card per household, each with the button that marks it delivered.
type Round struct {
	Roster orders.Roster
	// Volunteer is the openid whose share it is.
	Volunteer string
	// Status is each stop's order status now, by order id (a stop
	// without one shows as still to deliver).
	Status map[string]orders.Status
	// Collect is what each stop's household pays at the door, by order
	// id (see Order.ToCollect; none: nothing to take).
	Collect map[string]int64
	// Deliver returns the URL a stop's 送达 button posts to ("" for no
	// button); PrintURL is the page's printable A4 version.
	Deliver  func(orderID string) string
	PrintURL string
	// Flash says what the last press did ("" for nothing), on the card
	// of the order Pressed (at the top when it has none).
	Flash     string
	FlashKind FlashKind
	Pressed   string
}

// FlashKind colours a round page's flash.
type FlashKind string

// Flash kinds: done (green), already (grey), refused (red).
const (
	FlashDone    FlashKind = "done"
	FlashAlready FlashKind = "already"
	FlashRefused FlashKind = "refused"
)

type roundPage struct {
	Title, Name, Slot, Grid, GoodsText, PrintURL string
	Total, Left                                  int
	Flash                                        string
	FlashKind                                    FlashKind
	Stops                                        []roundStop
	// Collect: some household still to visit pays at the door.
	Collect bool
}

type roundStop struct {
	Seq          int
	OrderID      string
	Address      string
	Flags, Goods []string
	Note         string
	// Collect is the money to take at the door (应收30元), "" for none.
	Collect string
	// Phone is the number shown, Tel its tel: link.
	Phone string
	Tel   template.URL
	// Open: still to deliver (Deliver is its button's URL); else State
	// says what became of it.
	Open    bool
	Deliver string
	State   string
	// Flash is what pressing its button did.
	Flash string
}

// RoundHTML writes round as a page for a phone at 390 px: the goods to
// collect, then one card per household in walking order with its door,
// goods, marks and remark, a call button when a phone is known, and a
// 送达 button (a form posting to round.Deliver) while it is still to
// deliver; delivered and cancelled stops say so instead. The page has no
// script and loads nothing from elsewhere; printed, it drops its buttons
// and leaves a box to tick. It fails with ErrNoShare when the roster has
// no share for round.Volunteer. Times show in loc.
func RoundHTML(w io.Writer, round Round, loc *time.Location) error {
	r := round.Roster
	i := slices.IndexFunc(r.Shares, func(s orders.Share) bool { return s.Volunteer == round.Volunteer })
	if i < 0 || round.Volunteer == "" {
		return fmt.Errorf("%w: %q in grid %s", ErrNoShare, round.Volunteer, r.Grid)
	}
	share := r.Shares[i]
	slot := r.Slot.In(loc)
	// Their name as the office noted it; the page is theirs: 您 else.
	name := share.Name
	if name == "" {
		name = "您"
	}
	p := roundPage{
		Title: "配送单 " + slot.Format("1月2日 15:04"), Name: name,
		Slot: fmt.Sprintf("%d月%d日 %s %s", slot.Month(), slot.Day(), weekdays[slot.Weekday()], slot.Format("15:04")),
		Grid: gridLabel(r.Grid), PrintURL: round.PrintURL, Total: len(share.Stops), FlashKind: round.FlashKind,
	}
	var all []orders.Line
	for _, st := range share.Stops {
		status, ok := round.Status[st.OrderID]
		if !ok {
			status = orders.StatusAssigned
		}
		v := roundStop{Seq: st.Seq, OrderID: st.OrderID, Address: st.Address.String(), Note: st.Note, Open: status.Open()}
		if st.OrderID == round.Pressed {
			v.Flash = round.Flash
		}
		if st.Urgent {
			v.Flags = append(v.Flags, "急")
		}
		if st.Carried {
			v.Flags = append(v.Flags, orders.TextCarried)
		}
		for _, m := range st.Marks {
			v.Flags = append(v.Flags, string(m))
		}
		for _, l := range st.Lines {
			v.Goods = append(v.Goods, goodsText(l))
		}
		// The volunteer's own page shows the whole number: they must
		// ring the elder without WeChat.
		if tel := telNumber(st.Contact); tel != "" {
			v.Phone, v.Tel = st.Contact, template.URL("tel:"+tel)
		}
		// Delivered and not yet recorded paid, it still says so: the
		// volunteer records the money with 完成 … 已收款.
		if fen := round.Collect[st.OrderID]; fen > 0 {
			v.Collect, p.Collect = "应收"+orders.Yuan(fen), true
		}
		if v.Open {
			p.Left++
			all = append(all, st.Lines...)
			if round.Deliver != nil {
				v.Deliver = round.Deliver(st.OrderID)
			}
		} else {
			v.State = stateText(status)
		}
		p.Stops = append(p.Stops, v)
	}
	if round.Flash != "" && !slices.ContainsFunc(p.Stops, func(v roundStop) bool { return v.Flash != "" }) {
		p.Flash = round.Flash
	}
	p.GoodsText = linesText(sumLines(all))
	return templates.ExecuteTemplate(w, "round", p)
}

// stateText says what became of a stop no longer to deliver.
func stateText(s orders.Status) string {
	switch s {
	case orders.StatusDelivered, orders.StatusReceived:
		return "✓ " + StatusNames[s]
	case orders.StatusCancelled:
		return "订单已取消，不用送"
	}
	return StatusNames[s]
}

// telNumber is a phone as a tel: link dials it (digits, and + first), ""
// when it has fewer than 5 digits.
func telNumber(phone string) string {
	var b strings.Builder
	for i, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		}
	}
	if len(strings.TrimPrefix(b.String(), "+")) < 5 {
		return ""
	}
	return b.String()
}
