package bot

import (
	"cmp"
	"context"
	"errors"
	"sync"

	"github.com/baogong/baogong/orders"
)

// The order message's one step (issue 23). A message is usually two
// store steps: Resolve claims it and reads its sender, then the write
// (the order) saves its answer. For a resident's order the second step
// needs nothing the first one reads that the Bot did not already read
// from the same sender's last message: so the Bot answers such a message
// for the sender as last read, and the order's write claims the message,
// reads the sender again and places the order in one script, only when
// the sender is still the one read (orders.Arrive: the same binding,
// marks, roles, closed days and no held notices, within the rate limit).
// When they are not, the script has claimed and resolved the message
// anyway, and the message is answered anew for the sender as they are.
//
// Nothing in the guess is trusted: the store checks it in the step that
// writes. What the guess saves is a round trip and a script per order.

// errNotFast stops a message answered in one step before anything is
// written for it: its intent is not a resident's plain order. Nothing
// was claimed; the message takes the usual path.
var errNotFast = errors.New("not an order of one step")

// maxSenders bounds the senders a Bot remembers: when full it forgets
// them all (the next message of each takes two steps again).
const maxSenders = 20000

// senders remembers what Resolve last read of each sender.
type senders struct {
	mu sync.Mutex
	m  map[string]orders.Sender
}

func (c *senders) get(openid string) (orders.Sender, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[openid]
	return s, ok
}

// put remembers s; only a sender who could order in one step is kept.
func (c *senders) put(s orders.Sender) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !s.Bound || s.HeldCount > 0 || s.State == "" {
		delete(c.m, s.OpenID)
		return
	}
	if c.m == nil || len(c.m) >= maxSenders {
		c.m = make(map[string]orders.Sender)
	}
	s.Held = nil
	c.m[s.OpenID] = s
}

// fast answers m in one step when it is a resident's order from a
// sender this Bot read before. ok is false when it did not apply: nothing
// was claimed or written, and m is as it was. Otherwise either the
// message is answered (reply, a nil arrival), or the step claimed or
// found it and a says how it stands, as Resolve would have.
func (b *Bot) fast(ctx context.Context, m *Message) (reply string, a *orders.Arrival, ok bool) {
	if m.MsgType != "text" {
		return "", nil, false
	}
	snd, known := b.senders.get(m.OpenID)
	if !known {
		return "", nil, false
	}
	f := *m
	f.at = b.Now()
	b.identify(&f, snd)
	if len(f.Leads) > 0 || len(f.Teams) > 0 || f.Supplier != "" || f.Staff {
		return "", nil, false
	}
	f.From.Sent = 0 // the step checks the rate limit
	f.arrive = &orders.Arrive{OpenID: m.OpenID, At: f.at, Day: orders.Day(f.at, b.Location), Grids: b.Community.GridIDs(),
		How: orders.Wrote, Signed: m.Signed, State: snd.State, PerMinute: cmp.Or(b.PerMinute, DefaultPerMinute)}
	reply, err := b.route(ctx, &f)
	if !f.arrive.Sent {
		return "", nil, false
	}
	if errors.Is(err, orders.ErrStale) {
		m.at = f.at
		a := f.arrive.Arrival
		return "", &a, true
	}
	*m = f
	return b.finish(ctx, m, reply, err), nil, true
}

// oneStep reports whether msg, answered in one step, may go on to the
// write it would make: only a resident's order of their own message's
// goods, not urgent, does (see fast). An urgent order (said so, an urgent
// item, a marked household's) reads and may change the household's open
// urgent request before it places anything: writes the step could not
// check, so it takes two steps.
func (msg *Message) oneStep(b *Bot, items []orders.ItemRequest, said bool, requestID string) bool {
	if msg.arrive == nil {
		return true
	}
	if msg.cry || requestID != "wx:"+msg.DedupeKey() {
		return false
	}
	lines := make([]orders.Line, len(items))
	for i, it := range items {
		lines[i].SKU = it.SKU
	}
	return !orders.IsUrgent(b.Catalog, lines, said, msg.From.Marks)
}
