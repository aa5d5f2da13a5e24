package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/baogong/baogong/orders"
)

// A cutoff run by hand closes today's orders once, and no path closes a
// day ahead: tomorrow's orders close on their schedule. A second 截单 the
// same day is ErrClosedToday (the console, the API and the CLI each say
// 今天已经截单了), and a cutoff for a slot after today ErrAhead.
var (
	ErrClosedToday = errors.New("today's orders are closed already")
	ErrAhead       = errors.New("no cutoff of a day ahead")
)

// RunNow runs job name as a person asks for it, now and without a slot
// (the admin API, the demo's buttons, run-job without --slot):
//
//   - cutoff closes today's orders now: orders placed later count for
//     tomorrow. Once today is closed it closes nothing and returns
//     ErrClosedToday.
//   - picklist sends the pick list of the day last closed.
//   - roster delivers a round now, timed to the second (two runs are two
//     rounds): every pending order of a day closed by now, and the stops
//     earlier rounds left.
//   - any other job runs with now as its slot.
//
// The Result's Slot is now.
func (r *Runner) RunNow(ctx context.Context, name string) (Result, error) {
	leave, err := r.enter(ctx, name)
	if err != nil {
		return Result{Job: name}, err
	}
	defer leave()
	return r.runNow(ctx, name)
}

func (r *Runner) runNow(ctx context.Context, name string) (Result, error) {
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
		return r.run(ctx, name, now) // observed there
	}
	r.observe(ctx, name, now, res, err)
	return res, err
}

// cutoffNow closes today at now, unless it is closed already.
func (r *Runner) cutoffNow(ctx context.Context, now time.Time) (Result, error) {
	today := orders.Day(now, r.Location)
	res := Result{Job: Cutoff, Slot: now, Day: today}
	first, err := r.Store.CloseDay(ctx, today, now)
	if err != nil {
		return res, err
	}
	if !first {
		return res, fmt.Errorf("cutoff of %s: %w", today, ErrClosedToday)
	}
	res.Published = true
	return res, nil
}
