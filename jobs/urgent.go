package jobs

import (
	"context"
	"slices"
	"time"

	"github.com/baogong/baogong/orders"
)

// The urgent job runs every minute. The bot pushes an urgent order to its
// grid's volunteers and leads the moment it is placed; this job covers
// what that cannot:
//
//   - an urgent order that became pending later (a prescription approved)
//     or whose push was lost is pushed to the team now;
//   - an urgent order nobody claimed (领取) within the community's
//     UrgentClaim after it became pending, or whose grid has nobody to
//     push to, goes to the community's admins, once per order.
//
// Notices have ids of the order and recipient, and job marks record what
// was done, so the job may run any number of times on any replica.

// Job marks shared with the bot: "urgent-pushed:<id>" once an urgent order
// was pushed to its team, "escalated:<id>" once the admins heard of it.
const (
	markPushed    = "urgent-pushed:"
	markEscalated = "escalated:"
)

// urgent pushes and escalates the urgent orders waiting at now.
func (r *Runner) urgent(ctx context.Context, now time.Time) (Result, error) {
	res := Result{Job: Urgent, Slot: now, Day: orders.Day(now, r.Location)}
	wait := r.Community.ClaimWait()
	for _, g := range r.Community.Grids {
		open, err := r.Store.OpenOrders(ctx, g.ID)
		if err != nil {
			return res, err
		}
		var team []string
		teamRead := false
		for _, o := range open {
			if !o.Urgent || o.Status != orders.StatusPending {
				continue
			}
			if !teamRead {
				if team, err = r.urgentTeam(ctx, g); err != nil {
					return res, err
				}
				teamRead = true
			}
			marks, err := r.Store.HouseholdMarks(ctx, o.Household())
			if err != nil {
				return res, err
			}
			if len(team) > 0 {
				pushed, err := r.pushLate(ctx, o, marks, team)
				if err != nil {
					return res, err
				}
				if pushed {
					res.Pushed = append(res.Pushed, o.ID)
				}
			}
			waited := now.Sub(orders.PendingSince(o))
			if len(team) > 0 && waited < wait {
				continue
			}
			escalated, err := r.escalate(ctx, o, marks, waited, len(team) == 0)
			if err != nil {
				return res, err
			}
			if escalated {
				res.Escalated = append(res.Escalated, o.ID)
			}
		}
	}
	res.Published = len(res.Pushed)+len(res.Escalated) > 0
	return res, nil
}

// urgentTeam is who hears of a grid's urgent orders: its volunteers and
// its leads, each once.
func (r *Runner) urgentTeam(ctx context.Context, g orders.Grid) ([]string, error) {
	team, err := r.volunteers(ctx, g)
	if err != nil {
		return nil, err
	}
	for _, l := range r.leadsOf(ctx, g) {
		if !slices.Contains(team, l.OpenID) {
			team = append(team, l.OpenID)
		}
	}
	return team, nil
}

// pushLate pushes o to team unless it was pushed before; it reports
// whether this call did.
func (r *Runner) pushLate(ctx context.Context, o orders.Order, marks []orders.Mark, team []string) (bool, error) {
	done, err := r.Store.Marked(ctx, markPushed+o.ID)
	if err != nil || done {
		return false, err
	}
	ns := make([]Notice, len(team))
	for i, u := range team {
		// The bot's ids: whoever was told at once is not told again.
		ns[i] = Notice{ID: "urgent:" + o.ID + ":" + u, OpenID: u, Kind: "urgent",
			Text: UrgentPush(o, marks), Data: urgentTemplateData(o, false)}
	}
	if err := r.Notify.Notify(ctx, ns...); err != nil {
		return false, err
	}
	_, err = r.Store.MarkOnce(ctx, markPushed+o.ID)
	return err == nil, err
}

// escalate tells the community's admins about o unless they were told
// before; it reports whether this call did.
func (r *Runner) escalate(ctx context.Context, o orders.Order, marks []orders.Mark, waited time.Duration, noTeam bool) (bool, error) {
	done, err := r.Store.Marked(ctx, markEscalated+o.ID)
	if err != nil || done {
		return false, err
	}
	if len(r.Community.Admins) == 0 {
		r.Log.Error("urgent order unclaimed and no community.admins to tell", "order", o.ID, "grid", o.Grid)
		return false, nil
	}
	ns := make([]Notice, len(r.Community.Admins))
	for i, a := range r.Community.Admins {
		ns[i] = Notice{ID: "urgent-admin:" + o.ID + ":" + a, OpenID: a, Kind: "urgent",
			Text: textEscalation(o, marks, waited, noTeam), Data: urgentTemplateData(o, true)}
	}
	if err := r.Notify.Notify(ctx, ns...); err != nil {
		return false, err
	}
	_, err = r.Store.MarkOnce(ctx, markEscalated+o.ID)
	return err == nil, err
}

// claimed reports whether o is with someone who claimed it (领取): such
// orders stay off rosters.
func (r *Runner) claimed(ctx context.Context, o orders.Order) (bool, error) {
	if !o.Urgent || o.Status != orders.StatusAssigned {
		return false, nil
	}
	who, err := r.Store.Claimant(ctx, o.ID)
	return who != "" && who == o.Assignee, err
}
