package actions

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
)

// HelpWindow is how long a household's cry for help stays open: further
// cries within it do not page the team again.
const HelpWindow = 10 * time.Minute

// CryResult is what Cry did.
type CryResult struct {
	// Again: the household's cry is with the team already; nobody was
	// paged again.
	Again bool
	// Nobody: there is nobody to page (no team, no staff).
	Nobody bool
}

// Cry passes a cry for help that is no order we can place (救命
// 我爸心脏病药吃完了) to the actor's grid's volunteers and leads at once,
// as they wrote it (text), so a person reads it; to staff when the grid
// has nobody.
func (s *Service) Cry(ctx context.Context, a Actor, text string) (res CryResult, err error) {
	defer func() { s.done(ctx, a, "cry", err) }()
	if a.Home == nil {
		return res, ErrForbidden
	}
	bd := *a.Home
	// A household crying again while its first cry is fresh pages the
	// team once: thirty cries must not page every volunteer thirty times.
	open := "help-open:" + bd.Address.Household()
	paged, err := s.Marks.Marked(ctx, open)
	if err != nil {
		return res, err
	}
	if paged {
		res.Again = true
		return res, nil
	}
	team, err := s.urgent().Team(ctx, bd.Grid)
	if err != nil {
		return res, err
	}
	if len(team) == 0 {
		team = s.Community.Admins
	}
	ns := make([]orders.Notice, 0, len(team))
	for _, u := range team {
		ns = append(ns, orders.Notice{ID: "help:" + s.requestKey(a) + ":" + u, OpenID: u, Kind: "urgent",
			Text: textHelpPush(bd.Address, text)})
	}
	if len(ns) == 0 {
		res.Nobody = true
		return res, nil
	}
	if err := s.Outbox.Enqueue(ctx, ns...); err != nil {
		return res, err
	}
	// Marked only once the team has it: a cry that failed to page must
	// page when repeated.
	if _, err := s.Marks.MarkFor(ctx, open, HelpWindow); err != nil {
		s.Log.ErrorContext(ctx, "mark cry for help", "err", err)
	}
	return res, nil
}
