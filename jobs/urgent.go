package jobs

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
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

// urgent pushes and escalates the urgent orders waiting at now.
func (r *Runner) urgent(ctx context.Context, now time.Time) (Result, error) {
	res := Result{Job: Urgent, Slot: now, Day: orders.Day(now, r.Location)}
	wait := r.Community.ClaimWait()
	for _, g := range r.Community.Grids {
		open, err := r.Store.UrgentOrders(ctx, g.ID)
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
				if team, err = r.protocol().Team(ctx, g.ID); err != nil {
					return res, err
				}
				teamRead = true
			}
			marks, err := r.Store.HouseholdMarks(ctx, o.Household())
			if err != nil {
				return res, err
			}
			if len(team) > 0 {
				pushed, err := r.protocol().PushLate(ctx, o, marks, team)
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
			escalated, err := r.protocol().Escalate(ctx, o, marks, waited, len(team) == 0)
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

// protocol is the urgent protocol the bot runs too.
func (r *Runner) protocol() *urgent.Protocol {
	return &urgent.Protocol{Store: r.Store, Community: r.Community, Notices: r.Notify, Log: r.Log, Reach: urgent.ReacherOf(r.Notify)}
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
