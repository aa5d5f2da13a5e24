package bot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/baogong/baogong/orders"
)

// Voice messages (issue 14): elders who cannot type speak. WeChat's speech
// recognition gives the words (Recognition); the bot reads them like the
// same words typed (orders.Spoken) and every answer starts with what was
// heard, so someone misheard sees it. An order whose hearing may be wrong
// (a word not understood, more than voiceSure of something, medicine) is
// read back and waits for 是 (pendingTTL); urgent ones go at once, as typed.
//
// 是 places the order read back exactly once: the store hands the waiting
// order to one taker only (TakePending), and it is placed under the voice
// message's request id, so placing it again (after a failure put it back)
// places nothing more. WeChat's retries of the same 是 get the saved
// answer, as every message does.

const (
	// pendingTTL is how long an order read back waits for its 是.
	pendingTTL = 5 * time.Minute
	// voiceSure is the largest quantity of one item ordered by voice
	// without reading it back: 十 and 四 sound alike.
	voiceSure = 5
)

// Words that answer an order read back, after orders.Spoken. Longest
// first within each.
var (
	confirmWords = []string{"确认下单", "确认", "确定", "是的", "对的", "好的", "没错", "可以", "下单", "是", "对", "好", "行"}
	denyWords    = []string{"不对", "不是的", "不是", "听错了", "说错了", "错了", "不要了", "不要", "不用了", "不用", "算了", "不下了", "重说", "取消"}
)

// voice answers a voice message.
func (b *Bot) voice(ctx context.Context, msg *Message) (string, error) {
	heard := orders.Heard(msg.Recognition)
	if heard == "" {
		msg.readOnly = true
		return b.unheard(ctx, msg)
	}
	msg.heard = heard
	msg.Content = orders.Spoken(heard)
	if msg.Content == "" {
		msg.readOnly = true
		return withHeard(heard, textVoiceNothing), nil
	}
	reply, err := b.text(ctx, msg)
	if err != nil || reply == "" {
		return reply, err
	}
	return withHeard(heard, reply), nil
}

// spoken makes render's answers start with what was heard, for the answer
// a store saves with a write (see Ack).
func (m *Message) spoken(render func(orders.Order) string) func(orders.Order) string {
	return func(o orders.Order) string { return withHeard(m.heard, render(o)) }
}

func withHeard(heard, reply string) string { return fit(textHeard(heard) + reply) }

// unheard answers a voice message without words: recognition is off, or
// heard nothing. With the voice at hand (Media) it is transcribed (ASR)
// or passed to a person (see listen); else it asks to type and tells how
// the building's lead can order instead.
func (b *Bot) unheard(ctx context.Context, msg *Message) (string, error) {
	if !msg.From.Bound {
		return textUnheard(orders.Address{}, false), nil
	}
	if b.Media != nil && msg.MediaID != "" && b.Actions.Media != nil {
		return b.listen(ctx, msg)
	}
	a := msg.From.Binding.Address
	leads, err := b.Store.Leads(ctx)
	if err != nil {
		// Whether the building has a lead changes a sentence, not the
		// answer: say it as if it had.
		b.Log.Error("leads for an unheard voice message", "err", err)
		return textUnheard(a, true), nil
	}
	for _, l := range b.Community.AllLeads(leads) {
		if orders.Owns(l.Buildings, a.Building) {
			return textUnheard(a, true), nil
		}
	}
	return textUnheard(a, false), nil
}

// readBack decides whether an order heard in msg is read back before it is
// placed, and when so keeps it waiting for 是 and says what was heard.
// text is what p was parsed from. asked is false when the order goes on
// as typed: placed when sure, or answered with what is wrong with it.
func (b *Bot) readBack(ctx context.Context, msg *Message, text string, p orders.ItemParse) (reply string, asked bool, err error) {
	if len(p.Negative)+len(p.Fractional)+len(p.ZeroQty)+len(p.TooMany)+len(p.Unclear) > 0 {
		return "", false, nil
	}
	var v readBackView
	if len(p.Unknown) > 0 {
		// A misheard word sounds like what was meant: read back the
		// catalog's closest name (树菜包 → 蔬菜包) with its quantity.
		fixed := text
		for _, w := range p.Unknown {
			if heard, meant := b.guess(fixed, w); meant != "" {
				fixed = strings.Replace(fixed, heard, meant, 1)
				v.guessed = append(v.guessed, [2]string{heard, meant})
			}
		}
		if len(v.guessed) > 0 {
			p = orders.ParseItems(b.Catalog, fixed)
		}
		v.unknown = p.Unknown
	}
	if len(p.Items) == 0 || len(p.Negative)+len(p.Fractional)+len(p.ZeroQty)+len(p.TooMany)+len(p.Unclear) > 0 {
		return "", false, nil
	}
	for _, r := range p.Items {
		it, _ := b.Catalog.Item(r.SKU)
		if it.FreeOnly || (it.LimitPerHousehold > 0 && r.Qty > it.LimitPerHousehold) {
			// Refused however it is read: placing says why.
			return "", false, nil
		}
		v.medicine = v.medicine || it.Rx || it.Category == "medicine"
		v.many = v.many || r.Qty > voiceSure
	}
	if len(v.guessed) == 0 && len(v.unknown) == 0 && !v.medicine && !v.many {
		return "", false, nil
	}
	pend := orders.Pending{RequestID: "wx:" + msg.DedupeKey(), Household: msg.household(), Items: p.Items, Heard: msg.heard, At: msg.at}
	if err := b.Store.SavePending(ctx, msg.OpenID, pend, pendingTTL); err != nil {
		return "", true, err
	}
	v.goods = b.goods(p.Items)
	return textReadBack(v), true, nil
}

// guess returns the goods a word w of text not understood was most
// likely meant as (meant, "" for none) and the words heard for them: w, or
// w with the name heard right after it when w is only part of a misheard
// name (两份树菜包 reads as 树 and 菜包, and means 蔬菜包).
func (b *Bot) guess(text, w string) (heard, meant string) {
	if i := strings.Index(text, w); i >= 0 {
		after := []rune(text[i+len(w):])
		if _, n := b.Catalog.MatchAt(after); n > 0 {
			whole := w + string(after[:n])
			if s := b.Catalog.Suggest(whole, 1); len(s) > 0 {
				return whole, s[0]
			}
		}
	}
	if s := b.Catalog.Suggest(w, 1); len(s) > 0 {
		return w, s[0]
	}
	return "", ""
}

// lines prices items (never unknown: they were read from the catalog).
func (b *Bot) lines(items []orders.ItemRequest) []orders.Line {
	lines, _, _ := orders.Lines(b.Catalog, items)
	return lines
}

// goods writes items the way people say them: 蔬菜包2份、鸡蛋1盒.
func (b *Bot) goods(items []orders.ItemRequest) string { return orders.Goods(b.lines(items)) }

// confirmHeard answers 是: the order read back is placed, once.
func (b *Bot) confirmHeard(ctx context.Context, msg *Message, _ string) (string, error) {
	p, err := b.Store.TakePending(ctx, msg.OpenID)
	if errors.Is(err, orders.ErrNotFound) || (err == nil && (!msg.From.Bound || p.Household != msg.household())) {
		msg.readOnly = true
		return textConfirmNothing, nil
	}
	if err != nil {
		return "", err
	}
	reply, err := b.confirm(ctx, msg, p)
	if err != nil {
		// Nothing may have been placed: let the next 是 try again. It
		// places under the same request id, so never twice. Only the
		// placing (under its Ack) may have done something.
		b.putBack(ctx, msg, p)
		msg.readOnly = true
	}
	return reply, err
}

func (b *Bot) confirm(ctx context.Context, msg *Message, p orders.Pending) (string, error) {
	// Said again or typed after the read-back (不对请重说或打字): the
	// newer order is what they meant.
	all, err := b.Store.HouseholdOrders(ctx, p.Household, 20)
	if err != nil {
		return "", err
	}
	for _, o := range all {
		if o.PlacedBy != msg.OpenID || !o.CreatedAt.After(p.At) || o.Status == orders.StatusCancelled {
			continue
		}
		if orders.SameLines(o.Lines, b.lines(p.Items)) {
			return textConfirmAlready(o), nil
		}
		return textConfirmSuperseded(o, b.goods(p.Items)), nil
	}
	return b.placeItems(ctx, msg, p.Items, false, orders.ChannelVoice, p.RequestID)
}

// putBack keeps p waiting again, for what is left of its time (a minute
// at least), after its 是 failed.
func (b *Bot) putBack(ctx context.Context, msg *Message, p orders.Pending) {
	ctx, cancel := afterBudget(ctx)
	defer cancel()
	ttl := max(pendingTTL-b.Now().Sub(p.At), time.Minute)
	if err := b.Store.SavePending(ctx, msg.OpenID, p, ttl); err != nil {
		b.Log.Error("put back pending order", "err", err)
	}
}

// denyHeard answers 不对: the order read back is dropped. With nothing read
// back, 取消 and 不要了 alone are the resident's cancel.
func (b *Bot) denyHeard(ctx context.Context, msg *Message, s string) (string, error) {
	p, err := b.Store.TakePending(ctx, msg.OpenID)
	switch {
	case errors.Is(err, orders.ErrNotFound):
		if slices.Contains(cancelWords, orders.Spoken(s)) {
			return b.cancel(ctx, msg, "")
		}
		msg.readOnly = true
		return textDenyNothing, nil
	case err != nil:
		return "", err
	}
	return textDenied(b.goods(p.Items)), nil
}

// saysOnly matches a message made only of words (是, 对对对, 是的确认):
// spoken fillers and marks aside, nothing else.
func saysOnly(words []string) func(*Bot, *Message, string) bool {
	return func(_ *Bot, _ *Message, s string) bool {
		s = orders.Spoken(s)
		if s == "" {
			return false
		}
		for s = strings.TrimLeft(s, " ,，、"); s != ""; s = strings.TrimLeft(s, " ,，、") {
			i := slices.IndexFunc(words, func(w string) bool { return strings.HasPrefix(s, w) })
			if i < 0 {
				return false
			}
			s = s[len(words[i]):]
		}
		return true
	}
}
