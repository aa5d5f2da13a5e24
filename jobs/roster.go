package jobs

import (
	"context"
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

// due reports whether an order belongs in the round at slot: pending, or
// left undelivered from an earlier round, and of an order day the round
// delivers (see dueDays).
func due(o orders.Order, slot time.Time) bool {
	switch {
	case o.Status == orders.StatusAssigned && !o.Slot.Before(slot):
		return false // on this round already (or a later one)
	case o.Status != orders.StatusPending && o.Status != orders.StatusAssigned:
		return false
	}
	return true
}

// dueDays says which order days a round at slot delivers: the days before
// the slot's own, and any later day closed at or before slot (by the
// cutoff, or by a 截单 run by hand), so a round run right after a cutoff
// takes what it closed and a round re-run later takes nothing closed
// after it.
type dueDays struct {
	r     *Runner
	slot  time.Time
	day   string
	known map[string]bool
}

func (d *dueDays) due(ctx context.Context, day string) (bool, error) {
	if day < d.day {
		return true, nil
	}
	if ok, seen := d.known[day]; seen {
		return ok, nil
	}
	at, closed, err := d.r.Store.ClosedAt(ctx, day)
	if err != nil {
		return false, err
	}
	ok := closed && !at.After(d.slot)
	d.known[day] = ok
	return ok, nil
}

// roster builds, stores and publishes each grid's roster for slot. The
// first roster stored for a grid and slot is the one published; a re-run
// (or another replica) re-applies it, which assigns nothing twice and
// queues notices whose ids were queued already, so each volunteer and lead
// hears once.
func (r *Runner) roster(ctx context.Context, slot time.Time) (Result, error) {
	day := orders.Day(slot, r.Location)
	days := &dueDays{r: r, slot: slot, day: day, known: map[string]bool{}}
	res := Result{Job: Roster, Slot: slot, Day: day}
	marks, err := r.Store.AllMarks(ctx)
	if err != nil {
		return Result{}, err
	}
	people, err := r.Store.People(ctx)
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
		var list []orders.Order
		for _, o := range open {
			if !due(o, slot) {
				continue
			}
			if ok, err := days.due(ctx, o.Day); err != nil {
				return res, err
			} else if !ok {
				continue
			}
			if claimed, err := r.claimed(ctx, o); err != nil {
				return res, err
			} else if claimed {
				continue // with whoever claimed it, not on a roster
			}
			list = append(list, o)
		}
		built := orders.BuildRoster(r.Catalog, g.ID, vols, list, slot, marks)
		nameShares(&built, people)
		stored, first, err := r.Store.SaveRoster(ctx, built)
		if err != nil {
			return res, err
		}
		read := make(map[string]orders.Order, len(list))
		for _, o := range list {
			read[o.ID] = o
		}
		gr, err := r.publishRoster(ctx, g, stored, read)
		if err != nil {
			return res, err
		}
		gr.Published = first
		res.Published = res.Published || first
		res.Grids = append(res.Grids, gr)
	}
	return res, nil
}

// publishRoster assigns the roster's stops (read: their orders as the
// roster read them) and tells each volunteer and
// lead their part, unless it holds nothing they were not told already
// (orders.Told.Tell): a volunteer whose stops of the last round are only
// carried over hears nothing new.
func (r *Runner) publishRoster(ctx context.Context, g orders.Grid, ro orders.Roster, read map[string]orders.Order) (GridRun, error) {
	gr := GridRun{Grid: g.ID}
	at := r.Now()
	owner := map[string]string{} // order id → volunteer
	for _, sh := range ro.Shares {
		for _, st := range sh.Stops {
			owner[st.OrderID] = sh.Volunteer
		}
	}
	var notices []Notice
	var told []toldList
	tell := func(key string, keys []string, elsewhere func(string) bool) (bool, error) {
		prev, err := r.Store.Told(ctx, key)
		if err != nil {
			return false, err
		}
		if !prev.Tell(ro.Slot, keys, elsewhere) {
			return false, nil
		}
		told = append(told, toldList{key, orders.Told{Slot: ro.Slot, Stops: keys}})
		return true, nil
	}
	// Every stop with a volunteer is assigned, a batch at a time; one
	// claimed, cancelled or delivered meanwhile stays as it is.
	if _, err := r.Store.AssignRound(ctx, ro, read, at); err != nil {
		return gr, fmt.Errorf("assign: %w", err)
	}
	for _, sh := range ro.Shares {
		gr.Stops += len(sh.Stops)
		run := ShareRun{Volunteer: sh.Volunteer, Stops: len(sh.Stops)}
		if sh.Volunteer != "" {
			run.Link = r.Links.Roster(g.ID, ro.Slot, sh.Volunteer)
			elsewhere := func(id string) bool { v, ok := owner[id]; return ok && v != sh.Volunteer }
			ok, err := tell("roster:"+g.ID+":"+sh.Volunteer, orders.StopKeys(sh.Stops), elsewhere)
			if err != nil {
				return gr, err
			}
			if ok {
				run.Told = true
				notices = append(notices, Notice{
					ID: fmt.Sprintf("roster:%s:%d:%s", g.ID, ro.Slot.Unix(), sh.Volunteer), OpenID: sh.Volunteer, Kind: "roster",
					Text: textVolunteerRoster(ro, sh, run.Link, r.Location), Brief: volunteerRosterBrief(ro, sh), URL: run.Link,
				})
			}
		}
		gr.Shares = append(gr.Shares, run)
	}
	for _, l := range r.leadsOf(ctx, g) {
		stops := leadStops(ro, l.Buildings)
		ok, err := tell("roster-lead:"+g.ID+":"+l.OpenID, orders.StopKeys(stops), nil)
		if err != nil {
			return gr, err
		}
		if ok {
			gr.Leads = append(gr.Leads, l.OpenID)
			notices = append(notices, Notice{
				ID: fmt.Sprintf("roster-lead:%s:%d:%s", g.ID, ro.Slot.Unix(), l.OpenID), OpenID: l.OpenID, Kind: "roster",
				Text: textLeadRoster(ro, l.Buildings, r.Location), Brief: leadRosterBrief(ro, l.Buildings, len(stops)),
			})
		}
	}
	if len(notices) > 0 {
		if err := r.Notify.Enqueue(ctx, notices...); err != nil {
			return gr, err
		}
	}
	// Recorded once the notices are queued: a run that fails before
	// tells them again (under the same ids) when it is run again.
	for _, t := range told {
		if err := r.Store.SetTold(ctx, t.key, t.told); err != nil {
			return gr, err
		}
	}
	return gr, nil
}

type toldList struct {
	key  string
	told orders.Told
}

// leadStops are the stops of ro in buildings.
func leadStops(ro orders.Roster, buildings []string) []orders.Stop {
	var out []orders.Stop
	for _, sh := range ro.Shares {
		for _, st := range sh.Stops {
			if orders.Owns(buildings, st.Address.Building) {
				out = append(out, st)
			}
		}
	}
	return out
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
func nameShares(ro *orders.Roster, people map[string]orders.Person) {
	for i := range ro.Shares {
		ro.Shares[i].Name = people[ro.Shares[i].Volunteer].Name
	}
}
