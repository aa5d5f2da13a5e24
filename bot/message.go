package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/wechat"
)

// Message is one request as the intent handlers see it: what was sent,
// and who sent it, resolved once when it arrived (see Handle).
type Message struct {
	Request
	// From is what the store knows of the sender.
	From orders.Sender
	// Leads are the buildings the sender leads (config and run time),
	// Teams the grids whose volunteers they are, Supplier the supplier
	// whose contact they are, Staff whether they are a community admin.
	Leads    []string
	Teams    []string
	Supplier string
	Staff    bool

	key, owner string
	// at is when the message arrived, by the service's clock: the moment
	// its sender and the day were read.
	at time.Time
	// readOnly is set for intents that write nothing.
	readOnly bool
	// note is the remark of a resident's order (see orders.CutNote and
	// orders.Remarks); contact the phone number written in it.
	note, contact string
	// lines caches a lead's text parsed as order lines (see leadLines).
	lines *orders.TextResult
	// ack is the write that answers the message, once a handler made one
	// (see Ack).
	ack *orders.Ack
	// intent names the command that handled a text (see console.go).
	intent string
	// heard is what speech recognition heard in a voice message, which
	// every answer to it starts with (see voice.go).
	heard string
	// cry is set for a cry for help (救命, 晕倒 …): every answer to it
	// says to call 120 first; helped is the answer of its page, which an
	// order placed with it starts with.
	cry    bool
	helped string
	// missed is what of the sender's held notices the answer carries
	// (see missed.go).
	missed missed
	// bot is the Bot answering, for render.
	bot *Bot
	// arrive is set while the message is answered in one step (fast.go):
	// it is not claimed yet, and its order's write claims it.
	arrive *orders.Arrive
}

// newAck returns the Ack of the one write that is this message's effect:
// the store makes it only while this delivery holds the message, and
// saves the answer in the same atomic step (the action sets its Render).
// A handler makes at most one per message, for its last write.
func (m *Message) newAck() *orders.Ack {
	m.ack = &orders.Ack{Key: m.key, Owner: m.owner}
	return m.ack
}

// render returns what a write's answer is, as r renders it: starting with
// what was heard when the message was a voice, after the notices held for
// the sender (see missed.go).
func (m *Message) render(r func(orders.Order) string) func(orders.Order) string {
	if m.heard != "" {
		r = m.spoken(r)
	}
	if m.bot == nil {
		return r
	}
	return func(o orders.Order) string { return m.bot.withMissed(m, r(o)) }
}

// actor is the message's sender as the actions see them.
func (m *Message) actor() actions.Actor {
	a := actions.Actor{OpenID: m.OpenID, Who: m.OpenID, Door: actions.Bot, Key: m.key,
		Leads: m.Leads, Teams: m.Teams, Supplier: m.Supplier, Staff: m.Staff}
	if m.From.Bound {
		bd := m.From.Binding
		a.Home, a.Marks = &bd, m.From.Marks
	}
	return a
}

// household returns the sender's household key ("" when unbound).
func (m *Message) household() string {
	if !m.From.Bound {
		return ""
	}
	return m.From.Binding.Address.Household()
}

// NewOwner returns a random id for one delivery of a message.
func NewOwner() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// waitEvery is how often a delivery polls for the answer of an earlier
// delivery of the same message.
const waitEvery = 50 * time.Millisecond

// Handle answers one request with the text to reply ("" for none). It is
// one read and, for an order, one write: Resolve claims the message and
// reads the sender; the handler's write saves the answer with its effect.
//
// Its answer is never wrong. When a write's outcome is unknown (a timeout)
// the claim is settled: given up, so that no late write can happen and
// the message did nothing (textBusy), or found answered, whose answer is
// returned. When even that cannot be learnt in time, it says the message
// may have gone through and how to check (textMaybe).
func (b *Bot) Handle(ctx context.Context, req Request) (reply string) {
	m := b.newMessage(req)
	defer b.observe(m, time.Now(), &reply)
	if reply, done := b.arrive(ctx, m); done {
		return reply
	}
	return b.answer(ctx, m)
}

// newMessage returns req as a message to claim.
func (b *Bot) newMessage(req Request) *Message {
	return &Message{Request: req, key: req.DedupeKey(), owner: NewOwner(), bot: b}
}

// answer handles a message arrive claimed and saves its answer.
func (b *Bot) answer(ctx context.Context, m *Message) string {
	reply, err := b.route(ctx, m)
	return b.finish(ctx, m, reply, err)
}

// finish saves the answer of a message its handler answered with reply
// (or failed with err), and returns what to reply.
func (b *Bot) finish(ctx context.Context, m *Message, reply string, err error) string {
	req := m.Request
	// WeChat shows at most 2048 bytes of a passive reply: whatever a
	// handler wrote, the resident gets an answer, not an error.
	reply = fit(reply)
	switch {
	case m.ack != nil && m.ack.Saved:
		// The write saved its answer (or found the message answered).
		b.deliveredMissed(ctx, m, m.ack.Reply)
		return m.ack.Reply
	case errors.Is(err, orders.ErrClaimLost):
		// Our claim expired while we worked and another delivery may be
		// answering: we cannot say what it will do.
		return textMaybe
	case err != nil:
		b.Log.Error("handle message", "type", req.MsgType, "err", err)
		return b.settle(ctx, m)
	}
	reply = b.withMissed(m, reply)
	sctx, cancel := afterBudget(ctx)
	defer cancel()
	if err := b.Store.SaveReply(sctx, m.key, m.owner, reply); err != nil {
		// The answer is still true; a retry finds the claim expired and
		// handles the message again, and every write is idempotent. The
		// held notices it carries stay held (see missed.go).
		b.Log.Error("save reply", "err", err)
		return reply
	}
	b.deliveredMissed(ctx, m, reply)
	return reply
}

// arrive claims the message and resolves its sender into m. done is true
// when the message is answered already (reply is that answer) or cannot
// be handled now.
//
// A resident's order from a sender read before is claimed, resolved and
// placed in one step (see fast.go): done, with its answer.
func (b *Bot) arrive(ctx context.Context, m *Message) (reply string, done bool) {
	reply, first, ok := b.fast(ctx, m)
	if ok && first == nil {
		return reply, true
	}
	if !ok {
		m.at = b.Now()
	}
	day := orders.Day(m.at, b.Location)
	for took, tries := false, 1; ; tries++ {
		var a orders.Arrival
		var err error
		if first != nil {
			a, first = *first, nil
		} else {
			a, err = b.Store.Resolve(ctx, m.key, m.owner, orders.Arrive{OpenID: m.OpenID, At: m.at, Day: day, Grids: b.Community.GridIDs(), How: interactionOf(m.Request), Signed: m.Signed})
		}
		if err != nil {
			if tries < 3 && retryable(ctx) {
				// A claim that reached Redis before the timeout is ours:
				// Resolve treats it as such.
				time.Sleep(100 * time.Millisecond)
				continue
			}
			// Nothing was written but, at most, our claim: it expires.
			b.Log.Error("resolve message", "err", err)
			return textBusy, true
		}
		switch a.State {
		case orders.ClaimDone:
			return a.Reply, true
		case orders.ClaimSettled:
			return textBusy, true
		case orders.ClaimForged:
			return wechat.Forged, true
		case orders.ClaimNew:
			b.senders.put(a.Sender)
			b.identify(m, a.Sender)
			return "", false
		}
		if took {
			return textMaybe, true
		}
		// An earlier delivery is being answered: wait for its answer
		// rather than act twice.
		state, prev, err := b.Store.WaitReply(ctx, m.key, waitEvery)
		switch {
		case err != nil:
			b.Log.Error("wait for reply", "err", err)
			return textMaybe, true
		case state == orders.ClaimDone:
			return prev, true
		case state == orders.ClaimInFlight:
			// Its budget outlasts ours only when Redis stalls: we cannot
			// tell what it did.
			return textMaybe, true
		}
		// The earlier delivery gave the message up: take it over once.
		took = true
	}
}

// retryable reports whether ctx leaves time for another try of a call
// that timed out.
func retryable(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) > 1500*time.Millisecond
}

// identify fills m's roles from what the store found and the config.
func (b *Bot) identify(m *Message, s orders.Sender) {
	m.From = s
	m.Leads = orders.LedBy(b.Community.AllLeads(nil), m.OpenID)
	for _, x := range s.LeadOf {
		if !slices.Contains(m.Leads, x) {
			m.Leads = append(m.Leads, x)
		}
	}
	for _, g := range b.Community.Grids {
		if slices.Contains(g.Volunteers, m.OpenID) || slices.Contains(s.VolunteerOf, g.ID) {
			m.Teams = append(m.Teams, g.ID)
		}
	}
	m.Supplier = b.Catalog.SupplierOf(m.OpenID)
	m.Staff = slices.Contains(b.Community.Admins, m.OpenID)
}

// settle ends a message whose handling failed: when no write can have
// happened on its behalf it says so; when the message was answered after
// all it returns that answer; else it says the message may have gone
// through.
func (b *Bot) settle(ctx context.Context, m *Message) string {
	sctx, cancel := afterBudget(ctx)
	defer cancel()
	for {
		st, reply, err := b.Store.Settle(sctx, m.key, m.owner)
		switch {
		case err == nil && st == orders.SettledAnswered:
			return reply
		case err == nil && st == orders.SettledReleased && m.ack == nil && m.wrote():
			// Several writes, some of which may have happened: each
			// is idempotent, so sending again finishes the rest.
			return textPartly
		case err == nil && st == orders.SettledReleased:
			return textBusy
		case err == nil:
			return textMaybe
		}
		select {
		case <-sctx.Done():
			b.Log.Error("settle message", "err", err)
			if m.ack == nil && !m.wrote() {
				return textBusy
			}
			return textMaybe
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// wrote reports whether the handler may have written: any intent but the
// read-only ones.
func (m *Message) wrote() bool { return !m.readOnly }

// afterBudget returns a context for the last steps of a message (saving
// or settling its answer): the message's own deadline when some of it is
// left, else a short one of its own, since ctx's end may be what failed.
func afterBudget(ctx context.Context) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) > 300*time.Millisecond {
		return context.WithDeadline(context.WithoutCancel(ctx), dl)
	}
	return context.WithTimeout(context.WithoutCancel(ctx), 500*time.Millisecond)
}

// interactionOf says how req opens its sender's window for pushes
// (WeChat's rules): any message does; a menu click, a follow or a scan
// opens a short one; other events (an unfollow, a link opened, a location
// report) none.
func interactionOf(req Request) orders.Interaction {
	if req.MsgType != "event" {
		return orders.Wrote
	}
	switch strings.ToLower(req.Event) {
	case "subscribe", "scan", "click", "scancode_push", "scancode_waitmsg":
		return orders.Clicked
	}
	return orders.NoInteraction
}
