package jobs

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/baogong/baogong/orders"
)

// The privacy job runs every night: orders delivered, received or
// cancelled longer ago than the community's retention period
// (privacy.retain_days) lose who placed, delivered and paid them, their
// phone, notes and prescription photo (orders.Redact); the 台账 keeps
// the rest. A night missed is made up the next: each run takes every
// order older than the period.

func (r *Runner) privacy(ctx context.Context, slot time.Time) (Result, error) {
	res := Result{Job: Privacy, Slot: slot, Day: orders.Day(slot, r.Location)}
	before := slot.AddDate(0, 0, -r.Community.Retention())
	names, err := orders.ReadNamer(ctx, r.Community, r.Store, true)
	if err != nil {
		return res, fmt.Errorf("privacy: %w", err)
	}
	n, err := r.Store.RedactOrders(ctx, before, orders.Everyone(names), func(o orders.Order) bool { return orders.SettledBefore(o, before) })
	res.Redacted, res.Published = n, n > 0
	if err != nil {
		return res, fmt.Errorf("privacy: %w", err)
	}
	return res, nil
}

// Jobs and the office's purge of personal data (actions.Purge) do not
// overlap: a roster must not copy a phone the purge is taking away. Every
// job but the urgent watch (pages never wait) enters the gate before it
// runs and leaves it after; a purge closes the gate, waits for the jobs
// inside to leave, and opens it when done. The gate is in Redis, so it
// holds across replicas; entries have leases, so a replica that died in
// a job holds nobody up for longer than JobLease.
const (
	// JobLease bounds how long a job may hold up a purge.
	JobLease = 15 * time.Minute
	// gateWait is how often a job waiting at a closed gate looks again.
	gateWait = 500 * time.Millisecond
)

// ErrGateClosed is returned by Store.EnterJob's callers when ctx ends
// while a purge holds the gate.
var ErrGateClosed = fmt.Errorf("a purge of personal data is running")

// enter waits until the gate lets job name in, and returns how to leave.
func (r *Runner) enter(ctx context.Context, name string) (leave func(), err error) {
	if name == Urgent {
		return func() {}, nil
	}
	id := name + ":" + rand.Text()
	for {
		ok, err := r.Store.EnterJob(ctx, id, r.Now().Add(JobLease))
		if err != nil {
			return nil, fmt.Errorf("%s: enter: %w", name, err)
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: %w", name, ErrGateClosed)
		case <-time.After(gateWait):
		}
	}
	return func() {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := r.Store.LeaveJob(lctx, id); err != nil {
			r.Log.Error("leave job gate", "job", name, "err", err)
		}
	}, nil
}
