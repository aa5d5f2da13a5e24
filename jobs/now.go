package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/baogong/baogong/orders"
)

// ErrClosedAhead: 截单 now found tomorrow closed already; the day after
// closes on its schedule (see orders.MaxClosedAhead).
var ErrClosedAhead = errors.New("the next order day is closed already")

// RunNow runs job name as a person asks for it, now and without a slot
// (the admin API, the demo's buttons, run-job without --slot):
//
//   - cutoff closes the open order day now (today, or tomorrow once today
//     is closed): orders placed later count for the next day. With today
//     and tomorrow closed it closes nothing and returns ErrClosedAhead.
//   - picklist sends the pick list of the day last closed.
//   - roster delivers a round now, timed to the second (two runs are two
//     rounds): every pending order of a day closed by now, and the stops
//     earlier rounds left.
//   - any other job runs with now as its slot.
//
// The Result's Slot is now.
func (r *Runner) RunNow(ctx context.Context, name string) (Result, error) {
	now := r.Now().In(r.Location).Truncate(time.Second)
	var (
		res Result
		err error
	)
	switch name {
	case Cutoff:
		res, err = r.cutoffNow(ctx, now)
	case Picklist:
		days, derr := r.Community.Calendar.Read(ctx, r.Store, now, r.Location)
		if derr != nil {
			return Result{Job: name, Slot: now}, derr
		}
		res, err = r.picklistOf(ctx, now, days.LastClosed())
	case Roster:
		res, err = r.roster(ctx, now)
	default:
		return r.Run(ctx, name, now) // observed there
	}
	r.observe(ctx, name, now, res, err)
	return res, err
}

// cutoffNow closes the open day at now.
func (r *Runner) cutoffNow(ctx context.Context, now time.Time) (Result, error) {
	days, err := r.Community.Calendar.Read(ctx, r.Store, now, r.Location)
	if err != nil {
		return Result{Job: Cutoff, Slot: now}, err
	}
	res := Result{Job: Cutoff, Slot: now, Day: days.Open}
	if days.Open >= orders.AddDays(days.Today, orders.MaxClosedAhead) {
		return res, fmt.Errorf("cutoff of %s: %w", days.Open, ErrClosedAhead)
	}
	res.Published, err = r.Store.CloseDay(ctx, days.Open, now)
	return res, err
}
