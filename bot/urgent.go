package bot

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
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
// or swallowed for its wording or its sender, and never loses an order.
// A bound resident's cry that is only an order of goods we have for their
// own door (救命 胰岛素1支) is an urgent order, paged to the team at once
// (again when it joins the household's open one). Any other is passed as
// written to those who can be at the door soonest (see
// actions.Service.Cry), and the goods it holds are ordered as well: the
// resident's own (我妈晕倒了 硝酸甘油1瓶), or a lead's lines for households.
// Every answer says to call 120 first.
func (b *Bot) cry(ctx context.Context, msg *Message, s string) (string, error) {
	msg.cry = true
	if msg.From.Bound && b.ordersOnly(msg, s) {
		return b.order(ctx, msg, s)
	}
	help, err := b.urgentHelp(ctx, msg, s)
	if err != nil {
		return "", err
	}
	var reply string
	switch {
	case len(msg.Leads) > 0 && len(b.leadLines(msg).Orders) > 0:
		reply, err = b.paste(ctx, msg, s)
	case msg.From.Bound:
		items, ok := b.cryGoods(msg, s)
		if !ok {
			return help, nil
		}
		msg.helped = help
		channel := orders.ChannelWeChat
		if msg.heard != "" {
			channel = orders.ChannelVoice
		}
		reply, err = b.placeItems(ctx, msg, items, true, channel, "wx:"+msg.DedupeKey())
	default:
		return help, nil
	}
	if err != nil {
		// The cry went out; the order did not.
		b.Log.Error("order in a cry for help", "err", err)
		return help + "\n" + textCryOrderFailed, nil
	}
	if !strings.HasPrefix(reply, help) {
		reply = help + "\n" + reply
	}
	return fit(reply), nil
}

// cryGoods returns the goods a bound resident's cry holds for their own
// door (硝酸甘油1瓶 in 我妈晕倒了 硝酸甘油1瓶; the words about the person
// are left out): none when it holds none, names another door, or says a
// quantity that cannot be right.
func (b *Bot) cryGoods(msg *Message, s string) ([]orders.ItemRequest, bool) {
	phone, s := orders.StripPhone(s)
	s, _ = orders.CutUrgent(b.Catalog, s)
	s, note := orders.CutNote(s)
	if m, ok := orders.FindAddress(s, nil); ok {
		if m.Address != msg.From.Binding.Address {
			return nil, false
		}
		s = s[:m.Start] + " " + s[m.End:]
	}
	p := orders.ParseItems(b.Catalog, s)
	if len(p.Items) == 0 || len(p.ZeroQty)+len(p.TooMany)+len(p.Fractional)+len(p.Negative)+len(p.Unclear) > 0 {
		return nil, false
	}
	msg.note, msg.contact = note, phone
	return p.Items, true
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
// community's staff and the leads of the buildings it names: of every
// community of the account whose buildings fit the door it names (binding
// asks which one; a cry cannot wait for the answer). s is the folded
// text.
func (b *Bot) urgentHelp(ctx context.Context, msg *Message, s string) (string, error) {
	text := strings.TrimSpace(msg.Content)
	if msg.heard != "" {
		text = textVoiceSaid(msg.heard) // the team hears it came by voice
	}
	targets := []*Bot{b}
	doors := orders.FindAddresses(s, nil, 3)
	if !msg.From.Bound && len(doors) > 0 && b.Account.several() {
		// Someone not bound yet names a door: every community that has
		// it hears the cry.
		if fits := b.Account.fitting(doors[0]); len(fits) > 0 {
			targets = fits
		}
	}
	reach, again := urgent.Nobody, true
	var here []orders.Address
	var phones []communityPhone
	for _, to := range targets {
		var hereTo []orders.Address
		for _, d := range doors {
			if _, err := to.Community.Locate(d); err == nil {
				hereTo = append(hereTo, d)
				if !slices.Contains(here, d) {
					here = append(here, d)
				}
			}
		}
		actor := msg.actor()
		if to != b {
			actor.Home = nil
		}
		res, err := to.Actions.Cry(ctx, actor, actions.CryRequest{Text: text, Doors: hereTo})
		if err != nil {
			return "", err
		}
		again = again && res.Again
		reach = min(reach, res.Reach)
		if to.Community.Phone != "" {
			phones = append(phones, communityPhone{to.Community.Name, to.Community.Phone})
		}
	}
	var reply string
	switch {
	case again:
		reply = textHelpAgainTo(reach, msg.From.Bound)
	case !msg.From.Bound:
		reply = textHelpUnbound(reach, here, textPhones(phones))
	default:
		reply = textHelpPassed(reach, here, textPhones(phones))
	}
	if orders.IsFire(b.Catalog, s) {
		reply = textForFire(reply) // 119 first
	}
	return reply, nil
}

// pasteCries passes on the cries for help in a lead's 接龙 (a line
// 2. 李 3-2-502 救命 老人晕倒了喘不上气, which no order can hold) to the team
// and leads of the doors they name, and says so first in the reply.
func (b *Bot) pasteCries(ctx context.Context, msg *Message, res orders.TextResult, reply string) string {
	var cries []string
	for _, l := range cryLines(b.Catalog, msg.Content, res) {
		doors := orders.FindAddresses(zh.Fold(l.text), b.known, 3)
		r, err := b.Actions.Cry(ctx, msg.actor(), actions.CryRequest{Text: l.text, Doors: doors, Relayed: textJielongLine(l.number, l.line)})
		if err != nil {
			b.Log.Error("pass on a cry in a 接龙", "err", err)
			cries = append(cries, textCryLineFailed(l.number, l.line))
			continue
		}
		cries = append(cries, textCryLine(l.number, l.line, r.Reach, doors, r.Again))
	}
	if len(cries) == 0 {
		return reply
	}
	return fit(textCall120 + strings.Join(cries, "\n") + "\n" + reply)
}

// cryLine is a line of a paste that cries for help.
type cryLine struct {
	line, number int
	text         string
}

// cryLines returns the entries of a lead's paste that cry for help:
// those it could not read as orders and those it could, each once.
func cryLines(cat *catalog.Catalog, content string, res orders.TextResult) []cryLine {
	raw := strings.Split(content, "\n")
	var out []cryLine
	seen := map[int]bool{}
	check := func(line, number int, text string) {
		if !seen[line] && orders.IsCry(cat, zh.Fold(text)) {
			seen[line] = true
			out = append(out, cryLine{line: line, number: number, text: strings.TrimSpace(text)})
		}
	}
	for _, r := range res.Rejected {
		check(r.Line, r.Number, r.Text)
	}
	for _, o := range res.Orders {
		if o.Line >= 1 && o.Line <= len(raw) {
			check(o.Line, o.Number, raw[o.Line-1])
		}
	}
	slices.SortFunc(out, func(x, y cryLine) int { return x.line - y.line })
	return out
}

// pasteUrgentLine puts a line about the urgent orders a lead's paste
// pushed first in the reply.
func pasteUrgentLine(res actions.PasteResult, reply string) string {
	if len(res.Urgent) == 0 {
		return reply
	}
	return fit(textUrgentPasted(res.Urgent, res.Reach) + "\n" + reply)
}
