// Package bot is what baogong understands and says on WeChat: the
// command table (commands.go), one small handler per intent, and every
// reply text (replies.go). It sees a message with its sender resolved once
// (message.go); the WeChat protocol itself is package wechat's, and the
// notices it queues go out through package outbox.
package bot

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/wechat"
)

// Request is one message or event from a WeChat user, as package wechat
// hands it on.
type Request = wechat.Message

// Bot answers residents, leads, volunteers and suppliers. It holds no
// state of its own: everything lives in Store, so any number of replicas
// can serve the same account.
type Bot struct {
	Catalog   *catalog.Catalog
	Community *orders.Community
	// Store is what the bot reads (and the message protocol's claim and
	// answer); every change a message asks for is an action of Actions.
	Store    Store
	Actions  *actions.Service
	Location *time.Location
	Now      func() time.Time
	Log      *slog.Logger
	// SignIn, when set, gives community staff one-time links into the
	// console (登录); Observe, when set, hears how every message went
	// (see console.go).
	SignIn  SignIn
	Observe func(intent, outcome string, d time.Duration)
	// PerMinute is how many messages one sender may send in a minute
	// (0: DefaultPerMinute).
	PerMinute int
	// Links, when set, makes the signed links of printable pages (a
	// building's 汇总 too long for a reply).
	Links Links
	// Account is set when the official account serves several
	// communities, this Bot's among them (see NewAccount).
	Account *Account
	// Missed records held notices delivered once a reply carried them
	// (see missed.go); nil: they are shown and stay held.
	Missed Missed
	// Media downloads what people send (voices without words, photos of
	// prescriptions); ASR, when set, transcribes voices within
	// ASRTimeout (see listen.go).
	Media      Downloader
	ASR        Transcriber
	ASRTimeout time.Duration

	// senders are what Resolve last read of each sender (see fast.go).
	senders senders
}

// Links makes signed, expiring links to printable pages.
type Links interface {
	// Summary is the page of every household a lead's 汇总 lists (unit
	// "" for all of their units).
	Summary(lead, unit string) string
}

// DefaultPerMinute is Bot.PerMinute's default.
const DefaultPerMinute = 30

// Longest messages read, in bytes: a resident's message is a line or two;
// a lead's 接龙 of 1000 households is about 40 KB. Longer is refused
// before it is read, so no sender holds the CPU for everyone else.
const (
	maxResidentText = 4 << 10
	maxLeadText     = 64 << 10
)

// cries reports whether a message is a cry for help (救命, 晕倒 …, see
// orders.IsCry): it is never held back by the rate limit (its paging is
// limited by household). 急 alone is an order in a hurry, not a cry: it
// waits its turn like any message.
func (b *Bot) cries(msg *Message) bool {
	text := msg.Content
	if msg.MsgType == "voice" {
		text = msg.Recognition
	}
	if len(text) > maxResidentText {
		return false
	}
	return orders.IsCry(b.Catalog, zh.Fold(text))
}

// route picks the intent. An error return means an internal failure; every
// user mistake is answered with words.
func (b *Bot) route(ctx context.Context, msg *Message) (string, error) {
	if msg.From.Sent > cmp.Or(b.PerMinute, DefaultPerMinute) && !b.cries(msg) && !unfollows(msg) {
		msg.readOnly = true
		return textSlowDown, nil
	}
	if limit := maxResidentText; len(msg.Content) > limit || len(msg.Recognition) > limit {
		if len(msg.Leads) == 0 || len(msg.Content) > maxLeadText {
			msg.readOnly = true
			return textTooLong(len(msg.Leads) > 0), nil
		}
	}
	switch msg.MsgType {
	case "event":
		msg.readOnly = true
		return b.event(ctx, msg)
	case "text":
		return b.text(ctx, msg)
	case "image":
		return b.rxPhoto(ctx, msg)
	case "voice":
		return b.voice(ctx, msg)
	}
	return textNotText, nil
}

// unfollows reports whether msg is someone unfollowing the account: it is
// never held back (they leave their household whatever their rate).
func unfollows(msg *Message) bool {
	return msg.MsgType == "event" && strings.EqualFold(msg.Event, "unsubscribe")
}

// Menu keys: the CLICK EventKeys of the menu created by Menu.
const (
	KeyOrder    = "BG_ORDER"
	KeyMyOrders = "BG_MY_ORDERS"
	KeyBind     = "BG_BIND"
	KeyHelp     = "BG_HELP"
)

func (b *Bot) event(ctx context.Context, msg *Message) (string, error) {
	switch strings.ToLower(msg.Event) {
	case "unsubscribe":
		// Someone who unfollowed hears nothing any more: they leave their
		// household, so it is not held by a member nobody can reach.
		if msg.From.Bound {
			msg.readOnly = false
			if _, err := b.Actions.Leave(ctx, msg.actor()); err != nil && !errors.Is(err, orders.ErrNotFound) {
				return "", err
			}
			b.Account.forget(msg.OpenID)
		}
		return "", nil
	case "subscribe":
		if b.Account.several() && !msg.belongs() {
			return textWelcomeAccount(b.Account.names), nil
		}
		return textWelcome(b.Community.Name), nil
	case "click":
		switch msg.EventKey {
		case KeyOrder:
			return b.catalogList(ctx)
		case KeyMyOrders:
			return b.myOrders(ctx, msg)
		case KeyBind:
			return b.bindHowTo(), nil
		case KeyHelp:
			return b.help(msg), nil
		}
		if reply, ok, err := b.roleClick(ctx, msg); ok {
			return reply, err
		}
	}
	return "", nil // unsubscribe, VIEW and the rest need no answer
}

// help is 帮助: it names the sender's community, or, on an account of
// several communities, lists them for a sender who chose none yet.
func (b *Bot) help(msg *Message) string {
	if b.Account.several() && !msg.belongs() {
		return textHelpAccount(b.Account.names)
	}
	return textHelp(b.Community.Name)
}

// bindHowTo says how to bind: with the community's name first when the
// account serves several.
func (b *Bot) bindHowTo() string {
	if b.Account.several() {
		return textBindHowToAccount(b.Account.names)
	}
	return textBindHowTo()
}

// bindFirst asks an unbound sender to bind before they order.
func (b *Bot) bindFirst() string {
	if b.Account.several() {
		return textBindFirstAccount(b.Account.names)
	}
	return textBindFirst()
}

// bindBefore asks an unbound sender to bind before anything else that
// needs their home (their orders, a cancel, 到货通知, signing up).
func (b *Bot) bindBefore() string {
	if b.Account.several() {
		return textBindBeforeAccount(b.Account.names)
	}
	return textBindBefore()
}
