// Package urgent is the protocol of urgent requests, in one place for the
// two sides that run it: the bot pushes an urgent order to its grid's team
// the moment it is placed, and the urgent job (package jobs) pushes what
// the bot could not (an order that became pending later, a lost push) and
// tells the community's admins of orders nobody claimed in time.
//
// Both sides send the same notices under the same ids, and record what
// they did under the same marks, so each person hears of an order once
// however many replicas and runs take part:
//
//	notice  urgent:<order>:<openid>        the push to one of the team
//	notice  urgent-admin:<order>:<openid>  the word to one admin
//	mark    urgent-pushed:<order>           the team was pushed
//	mark    escalated:<order>               the admins were told
package urgent

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/baogong/baogong/orders"
)

// Store is what the protocol reads and records.
type Store interface {
	// Volunteers returns a grid's run-time volunteers; Leads the run-time
	// leads (the config's are in Community).
	Volunteers(ctx context.Context, grid string) ([]string, error)
	Leads(ctx context.Context) ([]orders.Lead, error)
	// MarkOnce records a mark and reports whether it was new; Marked
	// reports whether it was recorded.
	MarkOnce(ctx context.Context, key string) (bool, error)
	Marked(ctx context.Context, key string) (bool, error)
}

// Notices queues notices (package outbox).
type Notices interface {
	Enqueue(ctx context.Context, ns ...orders.Notice) error
}

// Reach says who hears of an urgent order at once.
type Reach int

// Reaches.
const (
	// Team: the grid's volunteers and leads.
	Team Reach = iota
	// Staff: the community's admins, because the grid has nobody.
	Staff
	// Nobody: no team and no admins.
	Nobody
	// Lead: the building's lead (or the grid's), because none of the
	// grid's volunteers can be reached now (see reach.go).
	Lead
	// Held: nobody can be reached now; the team and staff see it on the
	// reply to their next message.
	Held
)

// Notice ids and marks of the protocol.
func pushID(order, to string) string  { return "urgent:" + order + ":" + to }
func adminID(order, to string) string { return "urgent-admin:" + order + ":" + to }

// PushedMark is recorded once an order's team was pushed.
func PushedMark(order string) string { return "urgent-pushed:" + order }

// EscalatedMark is recorded once the admins heard of an order.
func EscalatedMark(order string) string { return "escalated:" + order }

// Protocol runs the urgent protocol for one community.
type Protocol struct {
	Store     Store
	Community *orders.Community
	Notices   Notices
	Log       *slog.Logger
	// Reach, when set, says who can be reached now: pages go to the
	// first who can (see reach.go).
	Reach Reacher
}

// Team returns who hears of an urgent order of grid at once: the grid's
// volunteers (config and run time) and the leads of its buildings, each
// once.
func (p *Protocol) Team(ctx context.Context, grid string) ([]string, error) {
	var team []string
	for _, g := range p.Community.Grids {
		if g.ID != grid {
			continue
		}
		added, err := p.Store.Volunteers(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		team = g.Team(added)
	}
	leads, err := p.Store.Leads(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range p.Community.LeadsOfGrid(grid, p.Community.AllLeads(leads)) {
		if !slices.Contains(team, l.OpenID) {
			team = append(team, l.OpenID)
		}
	}
	return team, nil
}

// ReachOf says who would hear of an urgent order of grid at once.
func (p *Protocol) ReachOf(ctx context.Context, grid string) (Reach, error) {
	team, err := p.Team(ctx, grid)
	if err != nil {
		return p.reach(team), err
	}
	_, r, err := p.route(ctx, "", team)
	return r, err
}

func (p *Protocol) reach(team []string) Reach {
	switch {
	case len(team) > 0:
		return Team
	case len(p.Community.Admins) > 0:
		return Staff
	}
	return Nobody
}

// MayClaim reports whether openid may claim an urgent order of grid: its
// team and the community's admins.
func (p *Protocol) MayClaim(ctx context.Context, openid, grid string) (bool, error) {
	if slices.Contains(p.Community.Admins, openid) {
		return true, nil
	}
	team, err := p.Team(ctx, grid)
	return slices.Contains(team, openid), err
}

// Push sends a pending urgent order o (of a household with marks) to its
// grid's team, or, when the grid has nobody, to the admins, and says
// which. It may run any number of times for one order: the ids make each
// recipient hear once. An order that is not pending (waiting for its
// prescription) is not pushed; push it once it is.
func (p *Protocol) Push(ctx context.Context, o orders.Order, marks []orders.Mark) (Reach, error) {
	if o.Status != orders.StatusPending {
		return Team, nil
	}
	team, err := p.Team(ctx, o.Grid)
	if err != nil {
		return Team, err
	}
	to, err := p.pushRouted(ctx, o, marks, team)
	if to == Nobody {
		p.Log.Error("urgent order reaches nobody: no volunteers, leads or admins", "order", o.ID, "grid", o.Grid)
	}
	return to, err
}

// PushLate pushes o to team unless it was pushed before; it reports
// whether this call did.
func (p *Protocol) PushLate(ctx context.Context, o orders.Order, marks []orders.Mark, team []string) (bool, error) {
	done, err := p.Store.Marked(ctx, PushedMark(o.ID))
	if err != nil || done {
		return false, err
	}
	_, err = p.pushRouted(ctx, o, marks, team)
	return true, err
}

func (p *Protocol) pushTeam(ctx context.Context, o orders.Order, marks []orders.Mark, team []string) error {
	ns := make([]orders.Notice, len(team))
	for i, u := range team {
		ns[i] = orders.Notice{ID: pushID(o.ID, u), OpenID: u, Kind: "urgent",
			Text: PushText(o, marks), Brief: brief(o, false)}
	}
	if err := p.Notices.Enqueue(ctx, ns...); err != nil {
		return err
	}
	_, err := p.Store.MarkOnce(ctx, PushedMark(o.ID))
	return err
}

// Escalate tells the community's admins about o unless they were told
// before; it reports whether this call did. waited is how long o waited
// for a claim; noTeam says its grid has nobody to push to.
func (p *Protocol) Escalate(ctx context.Context, o orders.Order, marks []orders.Mark, waited time.Duration, noTeam bool) (bool, error) {
	done, err := p.Store.Marked(ctx, EscalatedMark(o.ID))
	if err != nil || done {
		return false, err
	}
	if len(p.Community.Admins) == 0 {
		p.Log.Error("urgent order unclaimed and no community.admins to tell", "order", o.ID, "grid", o.Grid)
		return false, nil
	}
	ns := make([]orders.Notice, len(p.Community.Admins))
	for i, a := range p.Community.Admins {
		ns[i] = orders.Notice{ID: adminID(o.ID, a), OpenID: a, Kind: "urgent",
			Text: escalationText(o, marks, waited, noTeam), Brief: brief(o, true)}
	}
	if err := p.Notices.Enqueue(ctx, ns...); err != nil {
		return false, err
	}
	_, err = p.Store.MarkOnce(ctx, EscalatedMark(o.ID))
	return err == nil, err
}
