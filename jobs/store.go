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
	Claimant(ctx context.Context, id string) (string, error)
	SaveRoster(ctx context.Context, r orders.Roster) (orders.Roster, bool, error)
	CloseDay(ctx context.Context, day string, at time.Time) (bool, error)
	DayClosed(ctx context.Context, day string) (bool, error)
	HouseholdMarks(ctx context.Context, household string) ([]orders.Mark, error)
	AllMarks(ctx context.Context) (map[string][]orders.Mark, error)
	Leads(ctx context.Context) ([]orders.Lead, error)
	Volunteers(ctx context.Context, grid string) ([]string, error)
	// MarkOnce and Marked are the exactly-once guard of a slot's
	// publishing, and the urgent protocol's record.
	MarkOnce(ctx context.Context, key string) (bool, error)
	Marked(ctx context.Context, key string) (bool, error)
	// FirstBindings, DigestCursor and SetDigestCursor feed the bindings
	// digest.
	FirstBindings(ctx context.Context, after, until time.Time) ([]string, error)
	// People are the office's names and phones of its people.
	People(ctx context.Context) (map[string]orders.Person, error)
	DigestCursor(ctx context.Context) (time.Time, error)
	SetDigestCursor(ctx context.Context, t time.Time) error
}
