package bot

import (
	"context"
	"strings"

	"github.com/baogong/baogong/orders"
)

// Notices held for someone nothing could reach (package outbox: out of
// their window, no template for the kind) ride on the reply to their next
// message of any kind: passive replies have no quota. Resolve reads them
// as the message arrives (orders.Sender.Held); the reply starts with them,
// newest last, within WeChat's reply limit (a link to the notices page
// for the rest), then gives the answer itself, which is never cut for
// them.
//
// They are recorded delivered only once the reply carrying them is saved
// as the message's answer (its write's Ack, or SaveReply), and before the
// reply is returned to WeChat. WeChat's retries of the message get the
// saved reply, held notices included. A reply that is not saved (a busy
// Redis, a write whose outcome is unknown, textMaybe) carries none, and
// they stay held for the next message. What is not covered: every one of
// WeChat's deliveries of a saved reply failing (the person then sees
// "该公众号暂时无法提供服务"); the notices are then delivered without having
// been read, and stay on the person's notices page (its link is in every
// template and in any reply that could not hold them all) for three days.
// Recording them before the reply is saved could lose them in the far more
// common case of a failed write, and recording them only after a later
// message shows the first was read would show them twice to everyone.

// Missed records held notices delivered (package outbox).
type Missed interface {
	Delivered(ctx context.Context, openid string, ns []orders.Notice, via string) (int, error)
}

// NoticeLinks makes the link of a person's notices page.
type NoticeLinks interface {
	Notices(openid string) string
}

// missed is what of the sender's held notices a reply carries.
type missed struct {
	// prefix starts the reply: the notices and their heading.
	prefix string
	// carried are the notices in prefix.
	carried []orders.Notice
}

// withMissed puts the notices held for m's sender before reply, as many
// as fit with reply whole, newest last, and remembers which (m.missed).
// It is deterministic, so an answer rendered twice (a write's retry)
// carries the same notices.
func (b *Bot) withMissed(m *Message, reply string) string {
	held := m.From.Held
	if len(held) == 0 && m.From.HeldCount == 0 || strings.EqualFold(m.Event, "unsubscribe") {
		return reply
	}
	link := ""
	if l, ok := b.Links.(NoticeLinks); ok {
		link = l.Notices(m.OpenID)
	}
	end := textMissedEnd
	if reply == "" {
		end = ""
	}
	room := maxReply - len(reply) - len(end)
	head := textMissedHead(m.From.HeldCount)
	// The newest that fit, with the line for the rest when some do not.
	var items []string
	var carried []orders.Notice
	for k := len(held) - 1; k >= 0; k-- {
		item := textMissedItem(held[k], b.Location)
		left := m.From.HeldCount - len(carried) - 1
		more := ""
		if left > 0 && link != "" {
			more = textMissedMore(left, link)
		}
		if len(head)+len(more)+len(item)+sumLen(items) > room {
			break
		}
		items = append([]string{item}, items...)
		carried = append([]orders.Notice{held[k]}, carried...)
	}
	left := m.From.HeldCount - len(carried)
	more := ""
	if left > 0 && link != "" {
		more = textMissedMore(left, link)
	}
	if len(carried) == 0 && more == "" {
		return reply
	}
	if len(head)+len(more)+sumLen(items) > room {
		return reply // not even the link fits beside the answer
	}
	var sb strings.Builder
	sb.WriteString(head)
	sb.WriteString(more)
	for _, it := range items {
		sb.WriteString(it)
	}
	sb.WriteString(end)
	m.missed = missed{prefix: sb.String(), carried: carried}
	return sb.String() + reply
}

func sumLen(ss []string) int {
	n := 0
	for _, s := range ss {
		n += len(s)
	}
	return n
}

// deliveredMissed records the held notices final carries delivered, when
// final is the reply withMissed made (the saved answer of this message).
func (b *Bot) deliveredMissed(ctx context.Context, m *Message, final string) {
	if len(m.missed.carried) == 0 || b.Missed == nil || !strings.HasPrefix(final, m.missed.prefix) {
		return
	}
	ctx, cancel := afterBudget(ctx)
	defer cancel()
	if _, err := b.Missed.Delivered(ctx, m.OpenID, m.missed.carried, orders.ViaReply); err != nil {
		// They stay held: the next reply carries them again.
		b.Log.Error("record held notices delivered", "err", err)
	}
}
