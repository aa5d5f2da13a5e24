package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/baogong/baogong/orders"
)

// volunteers returns a grid's team: the config's and those approved since.
func (r *Runner) volunteers(ctx context.Context, g orders.Grid) ([]string, error) {
	added, err := r.Store.Volunteers(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	return g.Team(added), nil
}

// due reports whether an order belongs in the slot's roster: pending, or
// left undelivered from an earlier round, and of an order day whose pick
// list has gone to the suppliers (an earlier day, or the slot's own day
// once its cutoff has passed).
func (r *Runner) due(o orders.Order, slot time.Time, day string, closed bool) bool {
	switch {
	case o.Status == orders.StatusAssigned && !o.Slot.Before(slot):
		return false // on this round already (or a later one)
	case o.Status != orders.StatusPending && o.Status != orders.StatusAssigned:
		return false
	}
	return o.Day < day || (o.Day == day && closed)
}

// roster builds, stores and publishes each grid's roster for slot. The
// first roster stored for a grid and slot is the one published; a re-run
// (or another replica) re-applies it, which assigns nothing twice and
// queues notices whose ids were queued already, so each volunteer and lead
// hears once.
func (r *Runner) roster(ctx context.Context, slot time.Time) (Result, error) {
	day := orders.Day(slot, r.Location)
	closed, err := r.Store.DayClosed(ctx, day)
	if err != nil {
		return Result{}, err
	}
	res := Result{Job: Roster, Slot: slot, Day: day}
	marks, err := r.Store.AllMarks(ctx)
	if err != nil {
		return Result{}, err
	}
	for _, g := range r.Community.Grids {
		vols, err := r.volunteers(ctx, g)
		if err != nil {
			return res, err
		}
		open, err := r.Store.OpenOrders(ctx, g.ID)
		if err != nil {
			return res, err
		}
		var due []orders.Order
		for _, o := range open {
			if !r.due(o, slot, day, closed) {
				continue
			}
			if claimed, err := r.claimed(ctx, o); err != nil {
				return res, err
			} else if claimed {
				continue // with whoever claimed it, not on a roster
			}
			due = append(due, o)
		}
		built := orders.BuildRoster(r.Catalog, g.ID, vols, due, slot, marks)
		if err := r.nameShares(ctx, &built); err != nil {
			return res, err
		}
		stored, first, err := r.Store.SaveRoster(ctx, built)
		if err != nil {
			return res, err
		}
		gr, err := r.publishRoster(ctx, g, stored)
		if err != nil {
			return res, err
		}
		gr.Published = first
		res.Published = res.Published || first
		res.Grids = append(res.Grids, gr)
	}
	return res, nil
}

func (r *Runner) publishRoster(ctx context.Context, g orders.Grid, ro orders.Roster) (GridRun, error) {
	gr := GridRun{Grid: g.ID}
	at := r.Now()
	var notices []Notice
	for _, sh := range ro.Shares {
		for _, st := range sh.Stops {
			if sh.Volunteer == "" {
				continue // nobody on duty: the orders stay pending
			}
			if _, err := r.Store.Assign(ctx, st.OrderID, sh.Volunteer, ro.Slot, at); err != nil && !errors.Is(err, orders.ErrConflict) && !errors.Is(err, orders.ErrNotFound) {
				return gr, fmt.Errorf("assign %s: %w", st.OrderID, err)
			}
		}
		gr.Stops += len(sh.Stops)
		link := ""
		if sh.Volunteer != "" {
			link = r.Links.Roster(g.ID, ro.Slot, sh.Volunteer)
			if len(sh.Stops) > 0 {
				notices = append(notices, Notice{
					ID: fmt.Sprintf("roster:%s:%d:%s", g.ID, ro.Slot.Unix(), sh.Volunteer), OpenID: sh.Volunteer, Kind: "roster",
					Text: textVolunteerRoster(ro, sh, link, r.Location),
				})
			}
		}
		gr.Shares = append(gr.Shares, ShareRun{Volunteer: sh.Volunteer, Stops: len(sh.Stops), Link: link})
	}
	for _, l := range r.leadsOf(ctx, g) {
		if text := textLeadRoster(ro, l.Buildings, r.Location); text != "" {
			notices = append(notices, Notice{
				ID: fmt.Sprintf("roster-lead:%s:%d:%s", g.ID, ro.Slot.Unix(), l.OpenID), OpenID: l.OpenID, Kind: "roster", Text: text,
			})
		}
	}
	if len(notices) > 0 {
		if err := r.Notify.Enqueue(ctx, notices...); err != nil {
			return gr, err
		}
	}
	return gr, nil
}

// leadsOf returns the leads of the grid's buildings, each with only the
// buildings of this grid.
func (r *Runner) leadsOf(ctx context.Context, g orders.Grid) []orders.Lead {
	added, err := r.Store.Leads(ctx)
	if err != nil {
		r.Log.Error("leads", "err", err)
	}
	return r.Community.LeadsOfGrid(g.ID, r.Community.AllLeads(added))
}

// nameShares puts the office's names of the volunteers on their shares.
func (r *Runner) nameShares(ctx context.Context, ro *orders.Roster) error {
	people, err := r.Store.People(ctx)
	if err != nil {
		return err
	}
	for i := range ro.Shares {
		ro.Shares[i].Name = people[ro.Shares[i].Volunteer].Name
	}
	return nil
}
