package urgent

import (
	"context"
	"slices"

	"github.com/baogong/baogong/orders"
)

// Reaching people under WeChat's rules (see package outbox): a push
// reaches only those whose window is open with budget left, or anyone
// when a template is configured. An urgent order is paged to the first
// of these who can be reached now, so the budget goes where it helps and
// nobody is paged into the void:
//
//  1. the grid's team but its leads (its volunteers);
//  2. the team's leads, the order's building's own first;
//  3. the community's staff (community.admins).
//
// A tier with anyone reachable is paged whole (its unreachable members
// find the page on the reply to their next message); the tiers after it
// are spared. When nobody at all can be reached, everyone is paged, so
// whoever writes first sees it, and the resident is told so (Held).

// Reacher says who can be reached now (package outbox).
type Reacher interface {
	// CanReach reports, for each of openids, whether a notice of kind
	// would reach them now rather than wait for their next message.
	CanReach(ctx context.Context, kind string, openids []string) ([]bool, error)
}

// kind is the notice kind of urgent pages.
const kind = "urgent"

// route returns who to page for an urgent order of grid (at building)
// whose team is team, and who that is. Without a Reacher everyone is
// deemed reachable (the team is paged, as before reachability was
// known).
func (p *Protocol) route(ctx context.Context, building string, team []string) ([]string, Reach, error) {
	admins := p.Community.Admins
	if len(team) == 0 {
		if len(admins) == 0 {
			return nil, Nobody, nil
		}
		return admins, Staff, nil
	}
	if p.Reach == nil {
		return team, Team, nil
	}
	added, err := p.Store.Leads(ctx)
	if err != nil {
		return team, Team, err
	}
	vols, leads := p.split(building, team, added)
	tiers := []struct {
		who   []string
		reach Reach
	}{{vols, Team}, {leads, Lead}, {admins, Staff}}
	all := slices.Concat(vols, leads, admins)
	ok, err := p.Reach.CanReach(ctx, kind, all)
	if err != nil {
		return team, Team, err
	}
	can := map[string]bool{}
	for i, id := range all {
		can[id] = can[id] || ok[i]
	}
	for _, t := range tiers {
		if slices.ContainsFunc(t.who, func(id string) bool { return can[id] }) {
			return t.who, t.reach, nil
		}
	}
	everyone := slices.Clone(team)
	for _, a := range admins {
		if !slices.Contains(everyone, a) {
			everyone = append(everyone, a)
		}
	}
	return everyone, Held, nil
}

// split parts team into its volunteers (everyone but leads) and its
// leads, those of building first.
func (p *Protocol) split(building string, team []string, added []orders.Lead) (vols, leads []string) {
	isLead := map[string]bool{}
	ownLead := map[string]bool{}
	for _, l := range p.Community.AllLeads(added) {
		isLead[l.OpenID] = true
		if orders.Owns(l.Buildings, building) {
			ownLead[l.OpenID] = true
		}
	}
	for _, id := range team {
		switch {
		case ownLead[id]:
			leads = append([]string{id}, leads...)
		case isLead[id]:
			leads = append(leads, id)
		default:
			vols = append(vols, id)
		}
	}
	return vols, leads
}

// pushRouted pages o to whoever route picks from team and says who that
// was: the tier reached (staff hear it as an escalation), or everyone
// when nobody could be reached (Held).
func (p *Protocol) pushRouted(ctx context.Context, o orders.Order, marks []orders.Mark, team []string) (Reach, error) {
	to, r, err := p.route(ctx, o.Address.Building, team)
	if err != nil {
		p.Log.Error("urgent: who can be reached", "order", o.ID, "err", err)
	}
	switch r {
	case Nobody:
		return r, nil
	case Staff:
		if len(team) == 0 {
			_, err := p.Escalate(ctx, o, marks, 0, true)
			return r, err
		}
		return r, p.escalateUnreached(ctx, o, marks)
	case Held:
		p.Log.Warn("urgent order reaches nobody now: held for the team and staff", "order", o.ID, "grid", o.Grid)
	}
	if err := p.pushTeam(ctx, o, marks, to); err != nil {
		return r, err
	}
	for _, u := range to {
		if _, err := p.Store.MarkOnce(ctx, PagedMark(o.ID, u)); err != nil {
			return r, err
		}
	}
	return r, nil
}

// PagedMark is recorded for each person an order was paged to, so that
// those who were (and only they) hear when it is cancelled.
func PagedMark(order, openid string) string { return "urgent-to:" + order + ":" + openid }

// Paged returns who of the team of grid was paged for order: those with
// PagedMark, or the whole team for an order paged before the mark
// existed.
func (p *Protocol) Paged(ctx context.Context, grid, order string) ([]string, error) {
	team, err := p.Team(ctx, grid)
	if err != nil {
		return nil, err
	}
	var paged []string
	for _, u := range slices.Concat(team, p.Community.Admins) {
		ok, err := p.Store.Marked(ctx, PagedMark(order, u))
		if err != nil {
			return nil, err
		}
		if ok && !slices.Contains(paged, u) {
			paged = append(paged, u)
		}
	}
	if len(paged) == 0 {
		return team, nil
	}
	return paged, nil
}

// escalateUnreached tells the admins of o at once because nobody of its
// grid can be reached now, under the escalation's ids and mark (the
// urgent job does not tell them again), and marks o pushed.
func (p *Protocol) escalateUnreached(ctx context.Context, o orders.Order, marks []orders.Mark) error {
	done, err := p.Store.Marked(ctx, EscalatedMark(o.ID))
	if err != nil || done {
		return err
	}
	ns := make([]orders.Notice, len(p.Community.Admins))
	for i, a := range p.Community.Admins {
		ns[i] = orders.Notice{ID: adminID(o.ID, a), OpenID: a, Kind: kind,
			Text: unreachedText(o, marks), Brief: brief(o, true)}
	}
	if err := p.Notices.Enqueue(ctx, ns...); err != nil {
		return err
	}
	if _, err := p.Store.MarkOnce(ctx, EscalatedMark(o.ID)); err != nil {
		return err
	}
	_, err = p.Store.MarkOnce(ctx, PushedMark(o.ID))
	return err
}

// ReacherOf returns notices as a Reacher when it is one (the outbox is),
// else nil: the protocol then pages as if everyone could be reached.
func ReacherOf(notices Notices) Reacher {
	r, _ := notices.(Reacher)
	return r
}
