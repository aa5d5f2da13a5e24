package actions

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/baogong/baogong/orders"
)

// Purger is the store's side of the office's purge (orders/redisstore):
// the gate that keeps jobs and a purge apart (see jobs/privacy.go), and
// the purge itself.
type Purger interface {
	// CloseGate closes the job gate for purge id until ttl from now and
	// returns how many jobs are still inside; orders.ErrConflict when
	// another purge holds it. OpenGate opens it again.
	CloseGate(ctx context.Context, id string, ttl time.Duration, now time.Time) (int, error)
	OpenGate(ctx context.Context, id string) error
	Purge(ctx context.Context, req orders.PurgeRequest) (orders.PurgeReport, error)
}

// purgeLease is how long a purge holds the job gate before it renews it:
// a purge that died holds the jobs up no longer.
const purgeLease = 2 * time.Minute

// PurgeDateError is a purge date refused: unreadable, or after today.
type PurgeDateError struct {
	Day    string
	Future bool
}

func (e *PurgeDateError) Error() string {
	if e.Future {
		return fmt.Sprintf("purge date %s is after today", e.Day)
	}
	return fmt.Sprintf("purge date %q is not a date like 2026-12-31", e.Day)
}

func (e *PurgeDateError) Unwrap() error { return orders.ErrInvalid }

// ParsePurgeDay reads a purge date (2026-12-31) and returns it as a day
// and its start in loc; after today (at now) is a *PurgeDateError.
func ParsePurgeDay(day string, now time.Time, loc *time.Location) (string, time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return "", time.Time{}, &PurgeDateError{Day: day}
	}
	if day > orders.Day(now, loc) {
		return "", time.Time{}, &PurgeDateError{Day: day, Future: true}
	}
	return day, t, nil
}

// Purge removes every openid, phone number, note and photo of activity
// before day (YYYY-MM-DD; today at the latest) from the community, as the
// office does when the lockdown ends (see redisstore.Store.Purge): the
// 台账 of those days keeps its rows and totals. It waits for running jobs
// (and holds new ones) until done. Staff only; a bad day is a
// *PurgeDateError; another purge running is orders.ErrConflict.
func (s *Service) Purge(ctx context.Context, a Actor, day string) (rep orders.PurgeReport, err error) {
	defer func() { s.done(ctx, a, "purge", err) }()
	if !a.Staff {
		return rep, ErrForbidden
	}
	day, before, err := ParsePurgeDay(day, s.now(), s.Location)
	if err != nil {
		return rep, err
	}
	release, err := s.holdGate(ctx, false)
	if err != nil {
		return rep, err
	}
	defer release()
	keep, err := orders.ReadNamer(ctx, s.Community, s.People, true)
	if err != nil {
		return rep, err
	}
	rep, err = s.Purger.Purge(ctx, orders.PurgeRequest{Day: day, Before: before, Now: s.now(), Serving: s.serving(), Keep: keep})
	if err != nil {
		return rep, err
	}
	if s.Dead != nil {
		n, err := s.Dead.Purge(ctx, before)
		rep.Notices = n
		if err != nil {
			return rep, err
		}
	}
	for _, openid := range rep.Forgotten {
		s.left(ctx, openid)
	}
	s.record(ctx, a, auditPurge, dayWords(day)+"以前", fmt.Sprintf(textPurgedAudit, rep.Orders, rep.Bindings, rep.People, rep.Rosters+rep.Records+rep.Notices+rep.Keys))
	return rep, nil
}

// holdGate closes the job gate (see jobs/privacy.go), waits for the jobs
// inside to finish, and keeps it closed until release: its lease is
// renewed meanwhile, so one that died holds the jobs up no longer than
// purgeLease. Another holder (a purge, an erasure) is orders.ErrConflict,
// unless wait: then it waits for it too.
func (s *Service) holdGate(ctx context.Context, wait bool) (release func(), err error) {
	id := rand.Text()
	for {
		n, err := s.Purger.CloseGate(ctx, id, purgeLease, s.now())
		if err != nil && !(wait && errors.Is(err, orders.ErrConflict)) {
			return nil, err
		}
		if err == nil && n == 0 {
			break
		}
		select {
		case <-ctx.Done():
			s.openGate(ctx, id)
			return nil, fmt.Errorf("waiting for the job gate: %w", ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
	renew, stop := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		for {
			select {
			case <-renew.Done():
				return
			case <-time.After(purgeLease / 4):
				if _, err := s.Purger.CloseGate(renew, id, purgeLease, s.now()); err != nil {
					s.Log.ErrorContext(renew, "renew job gate", "err", err)
				}
			}
		}
	}()
	return func() { stop(); s.openGate(ctx, id) }, nil
}

// openGate opens the gate id closed.
func (s *Service) openGate(ctx context.Context, id string) {
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.Purger.OpenGate(octx, id); err != nil {
		s.Log.ErrorContext(octx, "open job gate", "err", err)
	}
}

// serving are the openids the config names: they keep their roles.
func (s *Service) serving() []string {
	ids := slices.Clone(s.Community.Admins)
	for _, l := range s.Community.Leads {
		ids = append(ids, l.OpenID)
	}
	for _, g := range s.Community.Grids {
		ids = append(ids, g.Volunteers...)
	}
	for _, sup := range s.Catalog.Suppliers {
		if sup.ContactOpenID != "" {
			ids = append(ids, sup.ContactOpenID)
		}
	}
	return ids
}
