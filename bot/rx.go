package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/baogong/baogong/orders"
)

// Prescription medicine (处方药): an order with an rx item waits in
// awaiting_rx until the resident sends a photo of the prescription or the
// box, or the pharmacy, the building's lead or a community admin approves
// it (审核 1001 通过); a rejection (审核 1001 驳回 原因) cancels it.

var (
	approveVerbs = []string{"通过", "同意", "批准", "可以"}
	rejectVerbs  = []string{"驳回", "不通过", "拒绝", "退回"}
)

// waiting reports whether an order in status s is still to be delivered:
// open, or waiting for its prescription.
func waiting(s orders.Status) bool { return s.Open() || s == orders.StatusAwaitingRx }

// rxPhoto keeps an image from a bound resident on the household's orders
// awaiting a prescription, which then go to the pharmacy.
func (b *Bot) rxPhoto(ctx context.Context, msg *Message) (string, error) {
	bd, bound := msg.From.Binding, msg.From.Bound
	if !bound {
		return textRxNoOrder, nil
	}
	list, err := b.Store.HouseholdOrders(ctx, bd.Address.Household(), 50)
	if err != nil {
		return "", err
	}
	var done []orders.Order
	for _, o := range list { // newest first
		if o.Status != orders.StatusAwaitingRx {
			continue
		}
		a, err := b.Store.AttachRx(ctx, o.ID, msg.MediaID, msg.PicURL, msg.OpenID, b.Now())
		if errors.Is(err, orders.ErrConflict) {
			continue // approved or cancelled meanwhile
		}
		if err != nil {
			return "", err
		}
		done = append(done, a)
		b.tellPharmacies(ctx, a)
		b.released(ctx, a)
	}
	if len(done) == 0 {
		return textRxNoOrder, nil
	}
	return textRxPhotoReceived(done), nil
}

// tellPharmacies asks the contacts of the pharmacies supplying o's
// prescription medicine to check its photo. A failure is logged: the
// photo is on the order and on the pick list all the same.
func (b *Bot) tellPharmacies(ctx context.Context, o orders.Order) {
	var ns []orders.Notice
	for _, id := range orders.RxSuppliers(b.Catalog, o) {
		sup, ok := b.Catalog.Supplier(id)
		if !ok || sup.ContactOpenID == "" {
			continue
		}
		var rx []orders.Line
		for _, l := range orders.RxLines(b.Catalog, o.Lines) {
			if it, _ := b.Catalog.Item(l.SKU); it.Supplier == id {
				rx = append(rx, l)
			}
		}
		ns = append(ns, orders.Notice{ID: "rx:" + o.ID + ":photo:" + sup.ContactOpenID, OpenID: sup.ContactOpenID, Kind: "rx",
			Text: textRxPhotoNotice(o, rx)})
	}
	if len(ns) == 0 {
		return
	}
	if err := b.Notices.Enqueue(ctx, ns...); err != nil {
		b.Log.Error("queue prescription notice", "order", o.ID, "err", err)
	}
}

// released hands an urgent order that just stopped waiting for its
// prescription to the grid at once (see pushUrgent; its notice ids make a
// second push harmless). A failure is logged: the escalation job still
// finds the order.
func (b *Bot) released(ctx context.Context, o orders.Order) {
	if !o.Urgent {
		return
	}
	if _, err := b.pushUrgent(ctx, o); err != nil {
		b.Log.Error("push urgent prescription order", "order", o.ID, "err", err)
	}
}

// tellHousehold tells o's household of a prescription step, under id
// "rx:<order>:<step>:<openid>"; it reports false when nobody could be
// told.
func (b *Bot) tellHousehold(ctx context.Context, o orders.Order, step, text string) (bool, error) {
	return b.toHousehold(ctx, o, "", "rx:"+o.ID+":"+step, orders.Notice{Kind: "rx", Text: text})
}

// notifyRxPasted tells the households of a lead's paste whose new orders wait
// for a prescription.
func (b *Bot) notifyRxPasted(ctx context.Context, rep orders.ListReport) error {
	for _, r := range rep.Results {
		o := r.Order
		if o.Status != orders.StatusAwaitingRx || (r.Outcome != orders.OutcomeCreated && r.Outcome != orders.OutcomeUpdated) {
			continue
		}
		if _, err := b.tellHousehold(ctx, o, "awaiting", textRxAwaitingNotice(o, orders.RxLines(b.Catalog, o.Lines))); err != nil {
			return err
		}
	}
	return nil
}

// reviewer returns how openid may review o's prescription, as the words
// that go on the pick list: the pharmacy's name, 楼栋长 or 社区; "" when
// they may not.
func (b *Bot) reviewer(msg *Message, o orders.Order) string {
	openid := msg.OpenID
	if msg.Staff {
		return "社区"
	}
	if orders.Owns(msg.Leads, o.Address.Building) {
		return "楼栋长"
	}
	for _, id := range orders.RxSuppliers(b.Catalog, o) {
		if sup, ok := b.Catalog.Supplier(id); ok && sup.ContactOpenID != "" && sup.ContactOpenID == openid {
			return sup.Name
		}
	}
	return ""
}

// mayReview reports whether openid reviews prescriptions at all: a
// pharmacy's contact, a lead or an admin. Anyone else is refused before an
// order is looked up, so order numbers cannot be probed.
func mayReview(msg *Message) bool {
	return msg.Staff || msg.Supplier != "" || len(msg.Leads) > 0
}

// parseReview reads "1001 通过 …" or "1001 驳回 原因": the order id, whether
// it approves, and the words after the verb. ok is false when it is
// neither.
func parseReview(rest string) (id string, approve bool, note string, ok bool) {
	rest = strings.TrimSpace(rest)
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	id = rest[:i]
	if len(id) < 4 {
		return "", false, "", false
	}
	rest = strings.TrimLeft(rest[i:], " 号#：:，,")
	if n, found := command(rest, rejectVerbs); found {
		return id, false, strings.Trim(n, " 。.，,"), true
	}
	if n, found := command(rest, approveVerbs); found {
		return id, true, strings.Trim(n, " 。.，,"), true
	}
	return "", false, "", false
}

// review handles 审核 <订单号> 通过 / 驳回 <原因>.
func (b *Bot) review(ctx context.Context, msg *Message, rest string) (string, error) {
	if !mayReview(msg) {
		return textRxOnly, nil
	}
	id, approve, note, ok := parseReview(rest)
	if !ok {
		return textRxHowTo, nil
	}
	o, err := b.Store.Order(ctx, id)
	if errors.Is(err, orders.ErrNotFound) {
		return textRxNoSuchOrder(id), nil
	}
	if err != nil {
		return "", err
	}
	role := b.reviewer(msg, o)
	if role == "" {
		return textRxOnly, nil
	}
	if len(orders.RxLines(b.Catalog, o.Lines)) == 0 {
		return textRxNotRx(id), nil
	}
	if o.Status != orders.StatusAwaitingRx && o.Status != orders.StatusPending {
		return textRxTooLate(o), nil
	}
	if approve {
		return b.approveRx(ctx, msg, o, role, note)
	}
	if note == "" {
		return textRxRejectWhy(id), nil
	}
	r, err := b.Store.RejectRx(ctx, id, msg.OpenID, note, b.Now())
	if errors.Is(err, orders.ErrConflict) {
		return textRxTooLate(r), nil
	}
	if err != nil {
		return "", err
	}
	told, err := b.tellHousehold(ctx, r, "rejected", textRxRejectedNotice(r, note))
	if err != nil {
		return "", err
	}
	return textRxRejected(r, note, told), nil
}

func (b *Bot) approveRx(ctx context.Context, msg *Message, o orders.Order, role, note string) (string, error) {
	if o.Status == orders.StatusPending && o.Rx.Reviewed() {
		return textRxAlreadyApproved(o.ID), nil
	}
	if note != "" {
		role += "：" + note
	}
	a, err := b.Store.ApproveRx(ctx, o.ID, msg.OpenID, role, b.Now())
	if errors.Is(err, orders.ErrConflict) {
		return textRxTooLate(a), nil
	}
	if err != nil {
		return "", err
	}
	if o.Status == orders.StatusAwaitingRx {
		b.released(ctx, a)
	}
	told, err := b.tellHousehold(ctx, a, "approved", textRxApprovedNotice(a))
	if err != nil {
		return "", err
	}
	return textRxApproved(a, told), nil
}
