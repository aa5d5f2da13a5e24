package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/baogong/baogong/orders"
)

// deliver sends g, notices to openid claimed together, in the one way
// that reaches openid now, and records each: a customer-service message
// (all of g in one, its voices after it) while their window has budget;
// else one template message per template configured for g's kinds; the
// rest is held for the reply to their next message. It returns how many
// it delivered or held; its error is Redis's.
//
// A refusal that says where the person stands (45015, 45047) is not
// retried: the model is corrected and the next way taken. A template id
// WeChat does not know (40037) is reported to staff once and its notices
// held. Other failures are retried with backoff, or dead-lettered when
// permanent.
func (o *Outbox) deliver(ctx context.Context, openid string, g []claimed) (int, error) {
	// What was sent is recorded even when ctx ended meanwhile: a
	// delivered notice left unrecorded would be sent again.
	ctx = context.WithoutCancel(ctx)
	if o.Route != nil {
		if there := o.Route(ctx, openid); there != nil && there != o {
			return o.move(ctx, there, g)
		}
	}
	slices.SortStableFunc(g, func(a, b claimed) int { return a.n.CreatedAt.Compare(b.n.CreatedAt) })
	// What does not fit in one message goes in the next: handed back, it
	// is claimed again at once.
	g, rest := fitting(g)
	o.release(rest)
	var voices []Notice
	if o.Media != nil {
		for _, c := range g {
			if c.n.Voice != "" {
				voices = append(voices, c.n)
			}
		}
	}
	took, err := o.reserve(ctx, openid, 1+len(voices))
	if err != nil {
		return 0, err
	}
	if took > 0 {
		text := o.merged(g)
		sendErr := o.send(ctx, func(sctx context.Context) error {
			return o.sender.Custom(sctx, Notice{ID: g[0].id, OpenID: openid, Kind: g[0].n.Kind, Text: text})
		})
		switch {
		case sendErr == nil:
			o.forward(ctx, openid, voices[:min(len(voices), took-1)])
			return o.doneAll(ctx, g, orders.ViaCustom)
		case errors.Is(sendErr, orders.ErrOutsideWindow), errors.Is(sendErr, orders.ErrNoBudget):
			o.log.Info("outbox: out of the person's window after all; taking another way", "openid", openid, "err", cleanError(sendErr))
			o.correct(ctx, openid, sendErr)
		default:
			return 0, o.failAll(ctx, g, sendErr)
		}
	}
	done := 0
	var hold []claimed
	for _, part := range o.byTemplate(ctx, g) {
		if part.tpl == "" {
			hold = append(hold, part.cs...)
			continue
		}
		n := o.templateNotice(openid, part.cs)
		if err := o.show(ctx, openid, part.cs); err != nil {
			return done, err
		}
		sendErr := o.send(ctx, func(sctx context.Context) error { return o.sender.Template(sctx, n, part.tpl) })
		switch {
		case sendErr == nil:
			k, err := o.doneAll(ctx, part.cs, orders.ViaTemplate)
			done += k
			if err != nil {
				return done, err
			}
		case errors.Is(sendErr, orders.ErrTemplateRefused):
			o.refusedTemplate(ctx, part.tpl, n.Kind)
			hold = append(hold, part.cs...)
		default:
			if err := o.failAll(ctx, part.cs, sendErr); err != nil {
				return done, err
			}
		}
	}
	if len(hold) == 0 {
		return done, nil
	}
	k, err := o.hold(ctx, openid, hold)
	return done + k, err
}

// maxPush bounds the text of one customer-service message: notices
// merged beyond it go in another.
const maxPush = 2000

// fitting splits g (oldest first) into the notices that fit in one
// message together, the first always, and the rest.
func fitting(g []claimed) (fit, rest []claimed) {
	size := len(textMerged(len(g)))
	for i, c := range g {
		size += len("\n\n") + len(c.n.Text)
		if i > 0 && size > maxPush {
			return g[:i], g[i:]
		}
	}
	return g, nil
}

// merged is the text of g as one customer-service message: each notice,
// oldest first.
func (o *Outbox) merged(g []claimed) string {
	if len(g) == 1 {
		return g[0].n.Text
	}
	var b strings.Builder
	b.WriteString(textMerged(len(g)))
	for _, c := range g {
		b.WriteString("\n\n" + c.n.Text)
	}
	return b.String()
}

// forward sends the voices of notices after their text: the text already
// says where to hear them, so a voice that fails is logged, not retried
// (a retry would send the text twice).
func (o *Outbox) forward(ctx context.Context, openid string, voices []Notice) {
	for _, n := range voices {
		data, _, err := o.Media.Media(ctx, n.Voice)
		if err == nil {
			err = o.send(ctx, func(sctx context.Context) error { return o.sender.Voice(sctx, openid, data) })
		}
		if err != nil {
			o.log.Warn("outbox: voice not forwarded; the text links it", "id", n.ID, "openid", openid, "err", cleanError(err))
		}
	}
}

// tplPart is the notices of a group that go as one template ("" when
// none is configured or WeChat refused it: they are held).
type tplPart struct {
	tpl string
	cs  []claimed
}

func (o *Outbox) byTemplate(ctx context.Context, g []claimed) []tplPart {
	var parts []tplPart
	refused := map[string]bool{}
	for _, c := range g {
		tpl := o.templateFor(c.n.Kind)
		if tpl != "" {
			r, seen := refused[tpl]
			if !seen {
				r = o.rdb.HExists(ctx, o.flags(), tplFlag(tpl)).Val()
				refused[tpl] = r
			}
			if r {
				tpl = ""
			}
		}
		i := slices.IndexFunc(parts, func(p tplPart) bool { return p.tpl == tpl })
		if i < 0 {
			parts = append(parts, tplPart{tpl: tpl})
			i = len(parts) - 1
		}
		parts[i].cs = append(parts[i].cs, c)
	}
	return parts
}

// templateNotice is the one template message for cs (oldest first): the
// newest's brief, saying how many there are, and a link to the one
// notice's page, or to the person's notices page for several.
func (o *Outbox) templateNotice(openid string, cs []claimed) Notice {
	last := cs[len(cs)-1].n
	n := last
	b := briefOf(last)
	if len(cs) > 1 {
		b.What = textSeveral(b.What, len(cs))
		n.URL = ""
	}
	n.Brief = &b
	if n.URL == "" && o.Links != nil {
		n.URL = o.Links.Notices(openid)
	}
	return n
}

// briefOf is n's brief, or one made from its text's first line for a
// notice made without (it says what happened; the link has the rest).
func briefOf(n Notice) orders.Brief {
	if n.Brief != nil {
		return *n.Brief
	}
	first, _, _ := strings.Cut(strings.TrimSpace(n.Text), "\n")
	return orders.Brief{What: strings.Trim(first, "：: "), At: n.CreatedAt}
}

// refusedTemplate reports once that WeChat refused template tpl (40037):
// in the log, on the console (Problems) and to staff.
func (o *Outbox) refusedTemplate(ctx context.Context, tpl, kind string) {
	first, err := o.rdb.HSetNX(ctx, o.flags(), tplFlag(tpl), o.now().UnixMilli()).Result()
	if err != nil || !first {
		return
	}
	tk := orders.TemplateKind(kind)
	o.log.Error("outbox: WeChat refused the template id (40037); its notices are held until the config names one the account has", "template", tpl, "kind", tk)
	var ns []Notice
	for _, s := range o.Staff {
		ns = append(ns, Notice{ID: "tpl-refused:" + tpl + ":" + s, OpenID: s, Kind: "alert", Text: textTemplateRefused(tk, tpl),
			Brief: &orders.Brief{What: textTemplateRefusedBrief, Where: tk, Status: textFixIt}})
	}
	if err := o.Enqueue(ctx, ns...); err != nil {
		o.log.Error("outbox: tell staff of a refused template", "err", err)
	}
}

// viaMoved records a notice handed to the outbox of the community that
// hears its person (see Route).
const viaMoved = "moved"

// move hands g to there, under the same ids (so a move repeated after a
// crash queues nothing twice), and records them done here.
func (o *Outbox) move(ctx context.Context, there *Outbox, g []claimed) (int, error) {
	// The copies in hand were read before Route (a round trip of its
	// own): an erasure meanwhile removed or changed them here, and the
	// other community's outbox is out of its reach. What moves is what
	// this one holds now; recording the gone ones done forgets them
	// (doneScript). One round trip remains between this read and the
	// Enqueue there.
	ids := make([]string, len(g))
	for i, c := range g {
		ids[i] = c.id
	}
	now, err := o.rdb.HMGet(ctx, o.keys[1], ids...).Result()
	if err != nil {
		o.release(g)
		return 0, fmt.Errorf("read notices to move: %w", err)
	}
	var ns []Notice
	for i, c := range g {
		s, ok := now[i].(string)
		if !ok {
			continue
		}
		n := c.n
		if s != c.body {
			var cur Notice
			if json.Unmarshal([]byte(s), &cur) != nil {
				continue
			}
			n = cur
		}
		ns = append(ns, n)
	}
	if err := there.Enqueue(ctx, ns...); err != nil {
		return 0, o.failAll(ctx, g, err)
	}
	return o.doneAll(ctx, g, viaMoved)
}

func (o *Outbox) doneAll(ctx context.Context, cs []claimed, via string) (int, error) {
	for i := range cs {
		if err := o.recordDone(ctx, &cs[i], via); err != nil {
			return i, err
		}
	}
	return len(cs), nil
}

func (o *Outbox) failAll(ctx context.Context, cs []claimed, sendErr error) error {
	for i := range cs {
		if err := o.failed(ctx, &cs[i], sendErr); err != nil {
			return err
		}
	}
	return nil
}
