package redisstore

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
)

// Prescriptions go through transition: each step is one compare-and-set
// of the order (status and version checked in the script), so a photo and
// a review arriving together cannot both win.

// AttachRx implements orders.Store.
func (s *Store) AttachRx(ctx context.Context, id, mediaID, picURL, by string, at time.Time) (orders.Order, error) {
	awaiting := func(o orders.Order) bool { return o.Status == orders.StatusAwaitingRx }
	return s.transitionIf(ctx, id, awaiting, orders.StatusPending, by, "处方照片", at, false, func(o *orders.Order) {
		rx := prescription(o)
		rx.MediaID, rx.PicURL, rx.At = mediaID, picURL, at
	})
}

// ApproveRx implements orders.Store.
func (s *Store) ApproveRx(ctx context.Context, id, by, note string, at time.Time) (orders.Order, error) {
	reviewable := func(o orders.Order) bool {
		return o.Status == orders.StatusAwaitingRx || o.Status == orders.StatusPending
	}
	event := "处方审核通过"
	if note != "" {
		event += "：" + note
	}
	return s.transitionIf(ctx, id, reviewable, orders.StatusPending, by, event, at, false, func(o *orders.Order) {
		rx := prescription(o)
		rx.By, rx.Note, rx.At = by, note, at
	})
}

// RejectRx implements orders.Store.
func (s *Store) RejectRx(ctx context.Context, id, by, reason string, at time.Time) (orders.Order, error) {
	reviewable := func(o orders.Order) bool {
		return o.Status == orders.StatusAwaitingRx || o.Status == orders.StatusPending
	}
	return s.transitionIf(ctx, id, reviewable, orders.StatusCancelled, by, "处方驳回："+reason, at, true, func(o *orders.Order) {
		rx := prescription(o)
		rx.By, rx.Note, rx.At = by, reason, at
	})
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
