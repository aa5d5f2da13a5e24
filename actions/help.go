package actions

import (
	"context"
	"slices"
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// A cry for help (救命, 晕倒 …, and 急 about something we cannot order) is
// never refused for its wording or for who sends it: it pages, at once,
// the people who can be at the door soonest, naming every door it
// mentions, and the sender is told to call 120 first.

// HelpWindow is how long a cry stays open: further cries of the same
// household (or unbound sender) within it page nobody again.
const HelpWindow = 10 * time.Minute

// CryRequest is a cry for help.
type CryRequest struct {
	// Text is what the sender wrote (or said), as the team reads it.
	Text string
	// Doors are the doors it names that are in this community: the person
	// in trouble may be a neighbour (救命 3栋9单元102的老人晕倒了).
	Doors []orders.Address
}

// CryResult is what Cry did.
type CryResult struct {
	// Again: a cry of the same household (or sender) is open; nobody was
	// paged again.
	Again bool
	// Reach says who was paged: the grids' teams and leads, the staff
	// only, or nobody (no team, no lead, no staff).
	Reach urgent.Reach
}

// Cry pages a cry for help. From a bound sender it goes to the team
// (volunteers and leads) of their grid and of the grid of every door it
// names, and to the leads of those buildings; from an unbound sender to
// the community's staff and the leads of the buildings it names. Whoever
// has nobody goes to staff.
func (s *Service) Cry(ctx context.Context, a Actor, req CryRequest) (res CryResult, err error) {
	defer func() { s.done(ctx, a, "cry", err) }()
	key := "u:" + a.OpenID
	if a.Home != nil {
		key = a.Home.Address.Household()
	}
	// A cry again while the first is fresh pages once: thirty cries must
	// not page every volunteer thirty times.
	open := "help-open:" + key
	if res.Again, err = s.Marks.Marked(ctx, open); err != nil || res.Again {
		return res, err
	}
	var to []string
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" && id != a.OpenID && !slices.Contains(to, id) {
				to = append(to, id)
			}
		}
	}
	doors := req.Doors
	if a.Home != nil {
		doors = append([]orders.Address{a.Home.Address}, doors...)
	}
	for i, d := range doors {
		if a.Home != nil {
			grid, ok := s.Community.GridOf(d.Building)
			if i == 0 {
				grid, ok = a.Home.Grid, true
			}
			if ok {
				team, err := s.urgent().Team(ctx, grid)
				if err != nil {
					return res, err
				}
				add(team...)
			}
		}
		add(s.leadsOf(ctx, d.Building)...)
	}
	res.Reach = urgent.Team
	if a.Home == nil || len(to) == 0 {
		add(s.Community.Admins...)
		if len(to) == 0 {
			res.Reach = urgent.Nobody
			s.Log.ErrorContext(ctx, "a cry for help reaches nobody: no team, no lead, no community.admins")
			return res, nil
		}
		if len(s.Community.Admins) == len(to) {
			res.Reach = urgent.Staff
		}
	}
	// issue 19: honest about who WeChat lets the account reach now.
	to, res.Reach = s.reachCry(ctx, to, res.Reach)
	var home *orders.Address
	if a.Home != nil {
		home = &a.Home.Address
	}
	text := textCryPush(home, req.Doors, req.Text)
	ns := make([]orders.Notice, len(to))
	for i, u := range to {
		ns[i] = orders.Notice{ID: "help:" + s.requestKey(a) + ":" + u, OpenID: u, Kind: "urgent", Text: text}
	}
	if err := s.Outbox.Enqueue(ctx, ns...); err != nil {
		return res, err
	}
	// Marked only once they have it: a cry that failed to page must page
	// when repeated.
	if _, err := s.Marks.MarkFor(ctx, open, HelpWindow); err != nil {
		s.Log.ErrorContext(ctx, "mark cry for help", "err", err)
	}
	return res, nil
}
