package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// Bindings (see actions/bindings.go): 绑定 <address> joins or asks to
// join a household; 同意绑定 / 拒绝绑定 <code> answer a request; 解绑
// leaves; a lead lists a household's members with 解绑 3-1-101 and removes
// one with 解绑 3-1-101 <序号>.

func (b *Bot) bind(ctx context.Context, msg *Message, rest string) (string, error) {
	if strings.TrimSpace(rest) == "" {
		return b.bindHowTo(), nil
	}
	if b.Account.several() {
		return b.Account.bind(ctx, b, msg, rest)
	}
	m, ok := orders.FindAddress(rest, nil)
	if !ok {
		return textBindUnreadable(), nil
	}
	return b.bindAt(ctx, b, msg, m.Address)
}

// bindAt binds msg's sender to household a of b's community, or asks its
// members (or lead) to approve. from is the Bot the message was claimed
// in: b, unless the sender binds in another community of the account.
func (b *Bot) bindAt(ctx context.Context, from *Bot, msg *Message, a orders.Address) (string, error) {
	a2 := msg.actor()
	if from != b {
		a2.Home = nil // bound in another community, if anywhere
	}
	res, err := b.Actions.Bind(ctx, a2, a, from.Actions)
	var notHere *actions.NotHereError
	switch {
	case errors.As(err, &notHere):
		return textBindNotHere(notHere.Err, b.where(), a.Building, b.Community.Buildings()), nil
	case err != nil:
		return "", err
	}
	switch res.Step {
	case actions.Bound:
		b.Account.remember(msg.OpenID, b)
		// A binding is when a resident starts giving us data: say what
		// is kept and how it goes.
		return b.textBound(a) + "\n" + actions.PrivacyNotice(b.Community.Retention()), nil
	case actions.AlreadyBound:
		b.Account.remember(msg.OpenID, b)
		return b.textBound(a), nil
	case actions.NobodyToAsk:
		return textBindNobodyToAsk(a), nil
	case actions.Refused:
		return textBindRefusedLately(a), nil
	case actions.TooMany:
		return textBindTooMany, nil
	case actions.Asked, actions.AskedBefore:
		if res.Known && !res.Members {
			return textBindPendingKnown(a), nil
		}
	}
	return textBindPending(a, res.Members), nil
}

// answerBinding handles 同意绑定 <code> (approve) and 拒绝绑定 <code>.
func (b *Bot) answerBinding(ctx context.Context, msg *Message, rest string, approve bool) (string, error) {
	code := strings.Trim(rest, " #号：:")
	if (len(code) != 4 && len(code) != 6) || !isDigits(code) {
		return textBindAnswerHowTo, nil
	}
	req, err := b.Actions.AnswerBinding(ctx, msg.actor(), code, approve)
	switch {
	case isNotFound(err):
		return textBindCodeNotFound(code), nil
	case err != nil:
		return "", err
	case approve:
		return textBindApproved(req.Address), nil
	}
	return textBindRefused(req.Address), nil
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
		bd, err := b.Actions.Leave(ctx, msg.actor())
		if isNotFound(err) {
			return textNotBound, nil
		}
		if err != nil {
			return "", err
		}
		b.Account.forget(msg.OpenID)
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
	members, err := b.Actions.Members(ctx, msg.actor(), m.Address)
	if errors.Is(err, actions.ErrForbidden) {
		if len(msg.Leads) == 0 {
			return textUnbindHowTo, nil
		}
		return textNotYourBuilding(m.Building), nil
	}
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(which)
	if which == "" || err != nil || n < 1 || n > len(members) {
		return textMembers(m.Address, members), nil
	}
	gone := members[n-1].OpenID
	if err := b.Actions.RemoveMember(ctx, msg.actor(), m.Address, gone); err != nil && !isNotFound(err) {
		return "", err
	}
	b.Account.forget(gone)
	return textMemberRemoved(m.Address, n), nil
}

func isNotFound(err error) bool { return errors.Is(err, orders.ErrNotFound) }

// where names b's community in replies when the account serves several
// ("" when it serves one: replies say 本社区).
func (b *Bot) where() string {
	if !b.Account.several() {
		return ""
	}
	return b.Community.Name
}

// textBound answers a binding done; with several communities it names
// the community.
func (b *Bot) textBound(a orders.Address) string {
	if !b.Account.several() {
		return textBound(a)
	}
	return textBoundIn(b.Community.Name, a)
}
