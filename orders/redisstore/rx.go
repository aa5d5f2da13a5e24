package redisstore

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
)

// Prescriptions go through transition: each step is one compare-and-set
// of the order (status and version checked in the script), so a photo and
// a review arriving together cannot both win.

// AttachRx implements the actions' stores: photo is the key of the photo
// kept (see SaveMedia).
func (s *Store) AttachRx(ctx context.Context, id, mediaID, photo, by string, at time.Time) (orders.Order, error) {
	awaiting := func(o orders.Order) bool { return o.Status == orders.StatusAwaitingRx }
	day, err := s.releaseDay(ctx, id)
	if err != nil {
		return orders.Order{}, err
	}
	return s.transitionIf(ctx, id, awaiting, orders.StatusPending, by, "处方照片", at, false, func(o *orders.Order) {
		rx := prescription(o)
		rx.MediaID, rx.Photo, rx.SentBy, rx.At = mediaID, photo, by, at
		o.Day = day
	}, nil)
}

// ApproveRx implements the actions' stores.
func (s *Store) ApproveRx(ctx context.Context, id, by, note string, at time.Time) (orders.Order, error) {
	// mutate sees the order already pending: remember, per try, whether
	// it was waiting for its prescription (only then does its day move).
	var waited bool
	reviewable := func(o orders.Order) bool {
		waited = o.Status == orders.StatusAwaitingRx
		return o.Status == orders.StatusAwaitingRx || o.Status == orders.StatusPending
	}
	event := "处方审核通过"
	if note != "" {
		event += "：" + note
	}
	day, err := s.releaseDay(ctx, id)
	if err != nil {
		return orders.Order{}, err
	}
	return s.transitionIf(ctx, id, reviewable, orders.StatusPending, by, event, at, false, func(o *orders.Order) {
		rx := prescription(o)
		rx.By, rx.Note, rx.At = by, note, at
		if waited {
			o.Day = day
		}
	}, nil)
}

// RejectRx implements the actions' stores.
func (s *Store) RejectRx(ctx context.Context, id, by, reason string, at time.Time) (orders.Order, error) {
	reviewable := func(o orders.Order) bool {
		return o.Status == orders.StatusAwaitingRx || o.Status == orders.StatusPending
	}
	return s.transitionIf(ctx, id, reviewable, orders.StatusCancelled, by, "处方驳回："+reason, at, true, func(o *orders.Order) {
		rx := prescription(o)
		rx.By, rx.Note, rx.At = by, reason, at
	}, nil)
}

// prescription returns o's prescription, giving o a fresh one when it has
// none. The one read from Redis is copied first: the caller's order must
// not change when the write is refused.
func prescription(o *orders.Order) *orders.Prescription {
	rx := &orders.Prescription{}
	if o.Rx != nil {
		*rx = *o.Rx
	}
	o.Rx = rx
	return rx
}

// releaseDay is the order day an order released from awaiting_rx counts
// for: its own day, or the first day after it whose cutoff has not passed.
// An order whose day's pick list went out while it waited must go on the
// next pick list, or the pharmacy never packs it. (Its limit counters stay
// with the day it was placed.)
func (s *Store) releaseDay(ctx context.Context, id string) (string, error) {
	o, err := s.Order(ctx, id)
	if err != nil {
		return "", err
	}
	day := o.Day
	for range 14 {
		closed, err := s.DayClosed(ctx, day)
		if err != nil || !closed {
			return day, err
		}
		t, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return o.Day, nil
		}
		day = t.AddDate(0, 0, 1).Format(time.DateOnly)
	}
	return day, nil
}
