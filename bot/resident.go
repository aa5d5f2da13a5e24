package bot

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
)

// The resident's intents: bind, order, my orders, cancel, the catalog.

func (b *Bot) known(building string) bool {
	_, ok := b.Community.GridOf(building)
	return ok
}

func (b *Bot) order(ctx context.Context, msg *Message, s string) (string, error) {
	// A phone number in a resident's own order is how to reach them
	// (kept for the volunteer), not goods; nor is the word naming it.
	phone, s := orders.StripPhone(s)
	if phone != "" {
		s, msg.contact = orders.StripPhoneLabel(s), phone
	}
	// 急, 紧急, 救命 make the order urgent; they are not goods.
	s, said := orders.CutUrgent(b.Catalog, s)
	// 不要香菜, 放门口就行: a remark for the volunteer, not goods.
	s, msg.note = orders.CutNote(s)
	addr, hasAddr := orders.FindAddress(s, b.known)
	if !hasAddr {
		// An address of a building we do not have still is an address.
		addr, hasAddr = orders.FindAddress(s, nil)
	}
	rest := s
	if hasAddr {
		rest = s[:addr.Start] + " " + s[addr.End:]
	}
	p := orders.ParseItems(b.Catalog, rest)
	if msg.heard == "" {
		// Free words after the goods (门口有只大黄狗) are a remark for the
		// volunteer, shown in the answer to be corrected; a word close to
		// a catalog name is still asked about. (Voice is read back.)
		var remark string
		if remark, p.Unknown = orders.Remarks(b.Catalog, rest, p); remark != "" {
			msg.note = strings.TrimSpace(msg.note + " " + remark)
		}
	}
	if len(p.Items)+len(p.UnknownGoods)+len(p.Declined) == 0 && !orders.AsksPrice(rest) {
		// Words that order nothing, just after a cry for help (我爸不动了
		// 脸发紫, 在3栋2单元502 快点, 人呢？): more of the cry, for the team.
		// Not a price (多少钱): no help is asked for.
		if msg.arrive != nil {
			return "", errNotFast
		}
		cried, err := b.Actions.CriedLately(ctx, msg.actor())
		if err != nil {
			return "", err
		}
		if cried {
			msg.cry = true
			return b.urgentHelp(ctx, msg, s)
		}
	}
	if len(p.Declined) > 0 && !said {
		// 鸡蛋不要了, 大米1袋 不要鸡蛋: never an order of eggs; what the
		// resident may mean (cancel the eggs ordered, or buy the rest) is
		// for them to send.
		if msg.arrive != nil {
			return "", errNotFast
		}
		return b.declined(ctx, msg, p)
	}
	badQty := len(p.ZeroQty) + len(p.TooMany) + len(p.Fractional) + len(p.Negative) + len(p.Unclear)
	if len(p.Items) == 0 && len(p.Unknown) == 0 && badQty == 0 && !said {
		if hasAddr {
			if msg.arrive != nil {
				return "", errNotFast
			}
			// A bare address is most likely someone binding.
			return b.bind(ctx, msg, s)
		}
		return textNotUnderstood(), nil
	}
	bd := msg.From.Binding
	if said && (len(p.Items) == 0 || len(p.Unknown) > 0 || !msg.From.Bound || (hasAddr && addr.Address != bd.Address)) {
		// Someone wrote 急 about something we cannot order (or not for
		// their own door, or before binding): a person must read it now,
		// not a refusal.
		if msg.arrive != nil {
			return "", errNotFast
		}
		return b.urgentHelp(ctx, msg, s)
	}
	if len(p.Items) > 0 {
		// 还有鸡蛋吗, 鸡蛋多少钱, 鸡蛋什么时候到: asked, not ordered,
		// typed or said (a clear voice order is not read back).
		switch {
		case orders.AsksWhen(rest):
			return textWhenItComes, nil
		case orders.Asks(rest, p):
			return b.aboutGoods(ctx, p.Items)
		}
	}
	if !msg.From.Bound {
		return b.bindFirst(), nil
	}
	if hasAddr && addr.Address != bd.Address {
		return textOtherHousehold(bd.Address), nil
	}
	if msg.heard != "" && !said {
		// Heard in a voice message: a reading that may be wrong is read
		// back before anything is ordered (voice.go).
		if reply, asked, err := b.readBack(ctx, msg, rest, p); asked || err != nil {
			return reply, err
		}
	}
	if len(p.Items) == 0 && orders.AsksWhat(rest) {
		// 能不能送点菜？ 有没有鸡蛋？: show what there is.
		list, err := b.catalogList(ctx)
		return textWhatWeHave + list, err
	}
	if len(p.Unknown) > 0 {
		words, sugg := b.typos(rest, dedupeStrings(p.Unknown))
		if len(words) > 5 {
			words = append(words[:5], "……")
		}
		return textUnknownItems(words, sugg), nil
	}
	// A quantity that cannot be right orders nothing: medicine above all
	// must never be guessed at.
	if len(p.Negative) > 0 {
		return textNegativeQty(b.names(p.Negative), b.example(p.Negative[0])), nil
	}
	if len(p.Fractional) > 0 {
		return textNotWhole(b.names(p.Fractional), b.example(p.Fractional[0])), nil
	}
	if len(p.Unclear) > 0 {
		return textUnclearQty(b.names(p.Unclear), b.example(p.Unclear[0])), nil
	}
	if len(p.ZeroQty) > 0 {
		return textZeroQty(b.names(p.ZeroQty)), nil
	}
	if len(p.TooMany) > 0 {
		return textTooMany(b.names(p.TooMany)), nil
	}
	channel := orders.ChannelWeChat
	if msg.heard != "" {
		channel = orders.ChannelVoice
	}
	return b.placeItems(ctx, msg, p.Items, said, channel, "wx:"+msg.DedupeKey())
}

// placeItems places the order of items for the sender's household, under
// requestID (placing again under it places nothing more), urgent when the
// message said so, and answers it.
func (b *Bot) placeItems(ctx context.Context, msg *Message, items []orders.ItemRequest, said bool, channel, requestID string) (string, error) {
	days := b.days(msg)
	reply := func(r actions.PlaceResult) string {
		p := r.Order
		var text string
		switch {
		case r.Open == actions.InOpen:
			text = textUrgentOpen(p, r.Holder)
		case r.Open == actions.Joined:
			text = textUrgentJoined(p)
		case r.Open == actions.JoinedClaimer:
			text = textUrgentJoinedClaimer(p, r.Holder)
		case p.Status == orders.StatusAwaitingRx:
			text = textPlacedRx(p, orders.RxLines(b.Catalog, p.Lines))
		case p.Urgent && p.Status == orders.StatusPending:
			text = textUrgentPlaced(p, r.Reach)
		default:
			text = b.textPlaced(p, days.Note(p.Day))
		}
		switch {
		case msg.helped != "":
			text = msg.helped + "\n" + text // the cry's page, then its order
		case msg.cry:
			text = textCall120 + text
		}
		return text
	}
	if !msg.oneStep(b, items, said, requestID) {
		return "", errNotFast
	}
	ack := msg.newAck()
	ack.Once, ack.Arrive = requestID == "wx:"+msg.DedupeKey(), msg.arrive
	res, err := b.Actions.Place(ctx, msg.actor(), actions.PlaceRequest{
		Items: items, Said: said, Cry: msg.cry, Channel: channel, RequestID: requestID, Note: msg.note, Contact: msg.contact, Days: days, Ack: ack,
		Reply: func(r actions.PlaceResult) string {
			return msg.render(func(orders.Order) string { return reply(r) })(r.Order)
		},
	})
	var short *orders.ShortageError
	switch {
	case errors.Is(err, orders.ErrFreeOnly):
		return textFreeOnly, nil
	case errors.As(err, &short):
		it, _ := b.Catalog.Item(short.SKU)
		if errors.Is(err, orders.ErrLimit) {
			return textOverLimit(it.Name, it.Unit, short.Limit, short.Left, days.Note(days.Open)), nil
		}
		return textSoldOut(it.Name, it.Unit, short.Left), nil
	case err != nil:
		return "", err
	}
	if ack.Saved {
		if ack.Unconfirmed {
			// Written, but no replica confirmed it: not acknowledged as
			// placed (the saved answer, for WeChat's retries, is).
			b.Log.Warn("order placed, no replica confirmed it in time", "order", res.Order.ID)
			ack.Reply = textPlacedUnconfirmed(res.Order)
			if msg.heard != "" {
				ack.Reply = withHeard(msg.heard, ack.Reply)
			}
		}
		return ack.Reply, nil // saved with the order
	}
	// Placed by an earlier delivery, or nothing placed (an urgent request
	// that went with the household's open one).
	return reply(res), nil
}

// textPlaced confirms order o, with how to pay for it.
func (b *Bot) textPlaced(o orders.Order, n orders.DayNote) string {
	pay := ""
	if o.TotalFen > 0 {
		method, code := orders.PayMethodOf(b.Catalog, o.Lines)
		pay = textHowToPay(method, code)
	}
	return textPlaced(o, n, pay)
}

// days is where the order days stand for msg, as Resolve read them when
// it arrived (see orders.Days).
func (b *Bot) days(msg *Message) orders.Days {
	return b.Community.Calendar.AtClosed(msg.at, b.Location, msg.From.ClosedDays())
}

// readDays reads where the order days stand at now.
func (b *Bot) readDays(ctx context.Context, now time.Time) (orders.Days, error) {
	return b.Community.Calendar.Read(ctx, b.Store, now, b.Location)
}

// aboutGoods answers a question about items (还有鸡蛋吗, 鸡蛋多少钱): what
// each costs, whether any are left, and how to order; nothing is ordered.
func (b *Bot) aboutGoods(ctx context.Context, items []orders.ItemRequest) (string, error) {
	left, err := b.Store.StockLeft(ctx)
	if err != nil {
		return "", err
	}
	var its []catalog.Item
	for _, r := range items {
		if it, ok := b.Catalog.Item(r.SKU); ok {
			its = append(its, *it)
		}
	}
	return textAboutGoods(its, left), nil
}

// typos returns the unknown words of an order as the resident wrote them
// and what they may have meant. A character glued to an item's name is
// one word with it: 疏菜包 is 蔬菜包 mistyped, not 疏 and 菜包.
func (b *Bot) typos(s string, unknown []string) (words, sugg []string) {
	for _, w := range unknown {
		word, guesses := w, b.Catalog.Suggest(w, 3)
		if i := strings.Index(s, w); i >= 0 && utf8.RuneCountInString(w) <= 2 {
			after := []rune(s[i+len(w):])
			for n := min(len(after), 4); n >= 2; n-- {
				cand := w + string(after[:n])
				if g := b.Catalog.Suggest(cand, 1); len(g) > 0 && utf8.RuneCountInString(g[0]) == utf8.RuneCountInString(cand) {
					word, guesses = cand, g
					break
				}
			}
		}
		words, sugg = append(words, word), append(sugg, guesses...)
	}
	return words, dedupeStrings(sugg)
}

// example is how to order sku: 鸡蛋2盒.
func (b *Bot) example(sku string) string {
	it, ok := b.Catalog.Item(sku)
	if !ok {
		return "蔬菜包2份"
	}
	return it.Name + "2" + it.Unit
}

func (b *Bot) names(skus []string) []string {
	out := make([]string, len(skus))
	for i, sku := range skus {
		out[i] = sku
		if it, ok := b.Catalog.Item(sku); ok {
			out[i] = it.Name
		}
	}
	return out
}

func dedupeStrings(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// maxListed bounds "我的订单" so the reply stays readable on a phone.
const maxListed = 10

// recent returns the household's undelivered orders and those of the
// days in view (see orders.Days.InView) or finished today, newest first.
func (b *Bot) recent(ctx context.Context, bd orders.Binding, days orders.Days) ([]orders.Order, error) {
	all, err := b.Store.HouseholdOrders(ctx, bd.Address.Household(), 100)
	if err != nil {
		return nil, err
	}
	var out []orders.Order
	for _, o := range all {
		if waiting(o.Status) || days.InView(o.Day) || orders.Day(o.UpdatedAt, b.Location) == days.Today {
			out = append(out, o)
		}
	}
	return out, nil
}

func (b *Bot) myOrders(ctx context.Context, msg *Message) (string, error) {
	bd, bound := msg.From.Binding, msg.From.Bound
	if !bound {
		return b.bindBefore(), nil
	}
	days := b.days(msg)
	list, err := b.recent(ctx, bd, days)
	if err != nil {
		return "", err
	}
	if len(list) == 0 {
		return textNoOrders(), nil
	}
	more := max(len(list)-maxListed, 0)
	return textOrderList(list[:len(list)-more], more, days), nil
}

// orderNumber finds order numbers in folded text.
var orderNumber = regexp.MustCompile(`[0-9]{4,}`)

func (b *Bot) cancel(ctx context.Context, msg *Message, rest string) (string, error) {
	bd, bound := msg.From.Binding, msg.From.Bound
	if !bound {
		return b.bindBefore(), nil
	}
	// 取消1001号订单, 取消订单号：1001, 取消 1001 谢谢: the number is the
	// order (ids have four digits or more; 取消 蔬菜包2份 names none).
	if m, ok := orders.FindAddress(rest, nil); ok {
		rest = rest[:m.Start] + " " + rest[m.End:] // 3-2-1201 is a door
	}
	_, rest = orders.StripPhone(rest) // 取消 1001 电话13812345678: a phone is no order
	ids := dedupeStrings(orderNumber.FindAllString(rest, -1))
	if len(ids) > 1 {
		return textCancelOneAtATime(ids), nil
	}
	if len(ids) == 0 {
		open, err := b.openOrders(ctx, msg, bd)
		if err != nil {
			return "", err
		}
		return textCancelWhich(open), nil
	}
	id := ids[0]
	ack := msg.newAck()
	done, _, err := b.Actions.Cancel(ctx, msg.actor(), id, "", ack, msg.render(textCancelled))
	switch {
	case isNotFound(err):
		// Someone else's order looks the same as no order: ids are
		// short and guessable.
		return textCancelNotFound(id), nil
	case errors.Is(err, orders.ErrConflict):
		// On a volunteer's roster already: too late for the resident.
		return textCancelTooLate(done), nil
	case err != nil:
		return "", err
	}
	if ack.Saved {
		return ack.Reply, nil
	}
	return textCancelled(done), nil
}

// openOrders returns the household's orders that may still be
// cancelled, newest first.
func (b *Bot) openOrders(ctx context.Context, msg *Message, bd orders.Binding) ([]orders.Order, error) {
	list, err := b.recent(ctx, bd, b.days(msg))
	if err != nil {
		return nil, err
	}
	var open []orders.Order
	for _, o := range list {
		if waiting(o.Status) {
			open = append(open, o)
		}
	}
	return open, nil
}

// declined answers a message that says goods are not wanted (鸡蛋不要了):
// nothing is ordered; how to cancel what was ordered and how to order
// the rest alone.
func (b *Bot) declined(ctx context.Context, msg *Message, p orders.ItemParse) (string, error) {
	var open []orders.Order
	if msg.From.Bound {
		var err error
		if open, err = b.openOrders(ctx, msg, msg.From.Binding); err != nil {
			return "", err
		}
	}
	var want []string
	for _, it := range p.Items {
		want = append(want, b.names([]string{it.SKU})[0]+strconv.Itoa(it.Qty)+b.unit(it.SKU))
	}
	return textDeclined(b.names(p.Declined), open, strings.Join(want, " ")), nil
}

// unit is the unit sku is sold in (盒), "份" when unknown.
func (b *Bot) unit(sku string) string {
	if it, ok := b.Catalog.Item(sku); ok && it.Unit != "" {
		return it.Unit
	}
	return "份"
}

func (b *Bot) catalogList(ctx context.Context) (string, error) {
	left, err := b.Store.StockLeft(ctx)
	if err != nil {
		return "", err
	}
	return textCatalog(b.Catalog.Items, left), nil
}
