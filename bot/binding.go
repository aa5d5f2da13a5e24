package bot

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/baogong/baogong/orders"
)

// Bindings: a household's orders belong to its members, so who may join
// a household is asked (see orders/binding.go). The first member of a
// household nobody lives in and nobody ordered for joins at once and the
// building's lead hears of it in a digest; anyone else waits for a member (or, with none,
// the lead) to answer 同意绑定 <code> or 拒绝绑定 <code>. Members leave
// with 解绑; a lead removes one with 解绑 3-1-101 <序号>.

func (b *Bot) bind(ctx context.Context, msg *Message, rest string) (string, error) {
	if strings.TrimSpace(rest) == "" {
		return b.bindHowTo(), nil
	}
	if b.Account != nil {
		return b.Account.bind(ctx, b, msg, rest)
	}
	m, ok := orders.FindAddress(rest, nil)
	if !ok {
		return textBindUnreadable(), nil
	}
	return b.bindAt(ctx, b, msg, m.Address)
}

// bindAt binds msg's sender to household a of b's community, or asks
// its members (or lead) to approve. from is the Bot the message was
// claimed in: b, unless the sender binds in another community of the
// account (then their binding in the one they leave is removed).
func (b *Bot) bindAt(ctx context.Context, from *Bot, msg *Message, a orders.Address) (string, error) {
	grid, err := b.Community.Locate(a)
	if err != nil {
		return textBindNotHere(err, b.where(), a.Building, b.Community.Buildings()), nil
	}
	if from == b && msg.From.Bound && msg.From.Binding.Address == a {
		return b.textBound(a), nil
	}
	out, err := b.Store.Bind(ctx, orders.Binding{OpenID: msg.OpenID, Address: a, Grid: grid, At: b.Now()})
	if err != nil {
		return "", err
	}
	switch out {
	case orders.AlreadyBound, orders.Bound:
		// The building's lead hears of a new household in the next
		// bindings digest (package jobs), not one message per household.
		if b.Account != nil {
			b.Account.moved(ctx, msg.OpenID, b, from)
		}
		return b.textBound(a), nil
	}
	req, err := b.Store.RequestBinding(ctx, orders.BindRequest{OpenID: msg.OpenID, Address: a, Grid: grid, At: b.Now()})
	if err != nil {
		return "", err
	}
	members, err := b.Store.HouseholdUsers(ctx, a.Household())
	if err != nil {
		return "", err
	}
	if req.Again {
		return textBindPending(a, len(members) > 0), nil // asked already
	}
	// The members are asked, and the building's lead always: a first
	// member may be a stranger who took an empty door, and must not be
	// the only one to answer the real resident.
	var ns []orders.Notice
	for _, u := range members {
		ns = append(ns, orders.Notice{ID: "bindreq:" + req.Code + ":" + u, OpenID: u, Kind: "binding", Text: textBindAskMembers(req)})
	}
	for _, l := range b.leadsOf(ctx, a.Building) {
		if !slices.Contains(members, l) {
			ns = append(ns, orders.Notice{ID: "bindreq:" + req.Code + ":" + l, OpenID: l, Kind: "binding", Text: textBindAskLead(req, len(members) > 0)})
		}
	}
	if len(ns) == 0 || b.Notices.Enqueue(ctx, ns...) != nil {
		// Nobody can be asked: the request would wait for nothing.
		return textBindNobodyToAsk(a), nil
	}
	return textBindPending(a, len(members) > 0), nil
}

// answerBinding handles 同意绑定 <code> (approve) and 拒绝绑定 <code>: a
// member of the household, the building's lead or a community admin
// answers; the requester is told either way.
func (b *Bot) answerBinding(ctx context.Context, msg *Message, rest string, approve bool) (string, error) {
	code := strings.Trim(rest, " #号：:")
	if (len(code) != 4 && len(code) != 6) || !isDigits(code) {
		return textBindAnswerHowTo, nil
	}
	req, err := b.Store.BindRequest(ctx, code)
	if errors.Is(err, orders.ErrNotFound) {
		return textBindCodeNotFound(code), nil
	}
	if err != nil {
		return "", err
	}
	if !b.mayAnswer(msg, req) {
		// Looks the same as no such code: codes are short.
		return textBindCodeNotFound(code), nil
	}
	if !approve {
		if _, err := b.Store.RefuseBinding(ctx, code); errors.Is(err, orders.ErrNotFound) {
			return textBindCodeNotFound(code), nil
		} else if err != nil {
			return "", err
		}
		b.BindingAnswered(ctx, req, false)
		return textBindRefused(req.Address), nil
	}
	if _, err := b.Store.ApproveBinding(ctx, code, b.Now()); errors.Is(err, orders.ErrNotFound) {
		return textBindCodeNotFound(code), nil
	} else if err != nil {
		return "", err
	}
	if b.Account != nil {
		b.Account.moved(ctx, req.OpenID, b, nil)
	}
	b.BindingAnswered(ctx, req, true)
	return textBindApproved(req.Address), nil
}

// mayAnswer reports whether msg's sender may answer req: a member of its
// household, a lead of its building, or a community admin.
func (b *Bot) mayAnswer(msg *Message, req orders.BindRequest) bool {
	return msg.Staff || orders.Owns(msg.Leads, req.Address.Building) ||
		(msg.From.Bound && msg.From.Binding.Address.Household() == req.Address.Household())
}

// unbind handles 解绑: alone, the sender leaves their household; a lead
// names a household of their building to list its members, and a number
// from that list to remove one.
func (b *Bot) unbind(ctx context.Context, msg *Message, rest string) (string, error) {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		if !msg.From.Bound {
			return textNotBound, nil
		}
		bd, err := b.Store.Unbind(ctx, msg.OpenID)
		if errors.Is(err, orders.ErrNotFound) {
			return textNotBound, nil
		}
		if err != nil {
			return "", err
		}
		if b.Account != nil {
			b.Account.left(ctx, msg.OpenID, b)
		}
		return textUnbound(bd.Address), nil
	}
	// 解绑 3-2-501 2: a short number after the address picks a member.
	which := ""
	if f := strings.Fields(rest); len(f) > 1 && len(f[len(f)-1]) <= 2 && isDigits(strings.Trim(f[len(f)-1], "第位号#")) {
		which = strings.Trim(f[len(f)-1], "第位号#")
		rest = strings.Join(f[:len(f)-1], " ")
	}
	m, ok := orders.FindAddress(rest, b.known)
	if !ok {
		return textUnbindHowTo, nil
	}
	if !orders.Owns(msg.Leads, m.Building) && !msg.Staff {
		if len(msg.Leads) == 0 {
			return textUnbindHowTo, nil
		}
		return textNotYourBuilding(m.Building), nil
	}
	members, err := b.members(ctx, m.Address.Household())
	if err != nil {
		return "", err
	}
	if which == "" {
		return textMembers(m.Address, members), nil
	}
	n, err := strconv.Atoi(which)
	if err != nil || n < 1 || n > len(members) {
		return textMembers(m.Address, members), nil
	}
	gone := members[n-1]
	if _, err := b.Store.Unbind(ctx, gone.OpenID); err != nil && !errors.Is(err, orders.ErrNotFound) {
		return "", err
	}
	if b.Account != nil {
		b.Account.left(ctx, gone.OpenID, b)
	}
	b.tell(ctx, orders.Notice{ID: "unbound:" + msg.key + ":" + gone.OpenID, OpenID: gone.OpenID, Kind: "binding", Text: textRemovedNotice(m.Address)})
	return textMemberRemoved(m.Address, n), nil
}

// members returns a household's members, earliest bound first.
func (b *Bot) members(ctx context.Context, hh string) ([]orders.Binding, error) {
	users, err := b.Store.HouseholdUsers(ctx, hh)
	if err != nil {
		return nil, err
	}
	var out []orders.Binding
	for _, u := range users {
		bd, err := b.Store.Binding(ctx, u)
		if errors.Is(err, orders.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, bd)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

func isNotFound(err error) bool { return errors.Is(err, orders.ErrNotFound) }

// where names b's community in replies when the account serves several
// ("" when it serves one: replies say 本社区).
func (b *Bot) where() string {
	if b.Account == nil {
		return ""
	}
	return b.Community.Name
}

// textBound answers a binding done; with several communities it names
// the community.
func (b *Bot) textBound(a orders.Address) string {
	if b.Account == nil {
		return textBound(a)
	}
	return textBoundIn(b.Community.Name, a)
}

// leadsOf returns the openids of the leads of building.
func (b *Bot) leadsOf(ctx context.Context, building string) []string {
	added, err := b.Store.Leads(ctx)
	if err != nil {
		b.Log.Error("leads", "err", err)
	}
	var out []string
	for _, l := range b.Community.AllLeads(added) {
		if orders.Owns(l.Buildings, building) && !slices.Contains(out, l.OpenID) {
			out = append(out, l.OpenID)
		}
	}
	sort.Strings(out)
	return out
}

// tell queues notices whose failure must not change the answer: the
// effect is done, and the outbox is the only way to say more.
func (b *Bot) tell(ctx context.Context, ns ...orders.Notice) {
	if len(ns) == 0 {
		return
	}
	if err := b.Notices.Enqueue(ctx, ns...); err != nil {
		b.Log.Error("queue notices", "kind", ns[0].Kind, "err", err)
	}
}
