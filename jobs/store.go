package jobs

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
)

// Store is what the jobs read and change; orders/redisstore.Store
// implements it (see orders.Store for each method's contract).
type Store interface {
	Orders(ctx context.Context, f orders.Filter) ([]orders.Order, error)
	OpenOrders(ctx context.Context, grid string) ([]orders.Order, error)
	// UrgentOrders is OpenOrders' urgent ones alone.
	UrgentOrders(ctx context.Context, grid string) ([]orders.Order, error)
	Assign(ctx context.Context, id, volunteer string, slot, at time.Time) (orders.Order, error)
	// AssignRound assigns every stop of ro with a volunteer, as Assign
	// does each, in batches (read: the orders as read, with their
	// Version); it returns how many it assigned.
	AssignRound(ctx context.Context, ro orders.Roster, read map[string]orders.Order, at time.Time) (int, error)
	Claimant(ctx context.Context, id string) (string, error)
	SaveRoster(ctx context.Context, r orders.Roster) (orders.Roster, bool, error)
	CloseDay(ctx context.Context, day string, at time.Time) (bool, error)
	DayClosed(ctx context.Context, day string) (bool, error)
	// ClosedAt returns when day was closed, false when it is open.
	ClosedAt(ctx context.Context, day string) (time.Time, bool, error)
	HouseholdMarks(ctx context.Context, household string) ([]orders.Mark, error)
	AllMarks(ctx context.Context) (map[string][]orders.Mark, error)
	Leads(ctx context.Context) ([]orders.Lead, error)
	Volunteers(ctx context.Context, grid string) ([]string, error)
	// MarkOnce and Marked are the exactly-once guard of a slot's
	// publishing, and the urgent protocol's record.
	MarkOnce(ctx context.Context, key string) (bool, error)
	Marked(ctx context.Context, key string) (bool, error)
	// MarkOnceAt is MarkOnce keeping the time of the first record, which
	// it returns (a pick list counts what was still to pack then).
	MarkOnceAt(ctx context.Context, key string, at time.Time) (bool, time.Time, error)
	// Told and SetTold keep the last list of stops each volunteer and
	// lead was sent about, so an unchanged list is not sent again.
	Told(ctx context.Context, key string) (orders.Told, error)
	SetTold(ctx context.Context, key string, t orders.Told) error
	// StockLeft, Waiting, Waiters and Unwait feed the restock job: what
	// is left of each item, and who waits for it (到货通知).
	StockLeft(ctx context.Context) (map[string]int, error)
	Waiting(ctx context.Context, skus []string) (map[string]int, error)
	Waiters(ctx context.Context, sku string, n int) ([]orders.Waiter, error)
	Unwait(ctx context.Context, sku string, ws []orders.Waiter) error
	// FirstBindings, DigestCursor and SetDigestCursor feed the bindings
	// digest.
	FirstBindings(ctx context.Context, after, until time.Time) ([]string, error)
	// People are the office's names and phones of its people; Binding
	// is where a resident bound (orders.ErrNotFound: nowhere).
	People(ctx context.Context) (map[string]orders.Person, error)
	Binding(ctx context.Context, openid string) (orders.Binding, error)
	DigestCursor(ctx context.Context) (time.Time, error)
	SetDigestCursor(ctx context.Context, t time.Time) error
	// RedactOrders strips what e finds from the orders placed before
	// before that pick accepts (the privacy job), and returns how many
	// changed.
	RedactOrders(ctx context.Context, before time.Time, e *orders.Erasure, pick func(orders.Order) bool) (int, error)
	// EnterJob lets job run id in until its lease ends, unless a purge
	// holds the gate (false); LeaveJob lets it out (see privacy.go).
	EnterJob(ctx context.Context, id string, lease time.Time) (bool, error)
	LeaveJob(ctx context.Context, id string) error
}
