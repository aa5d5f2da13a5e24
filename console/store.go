package console

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
)

// Store is what the console reads to show its pages (every change staff
// make goes through the actions); orders/redisstore.Store implements it.
type Store interface {
	DayClosed(ctx context.Context, day string) (bool, error)

	// Orders.
	Order(ctx context.Context, id string) (orders.Order, error)
	Orders(ctx context.Context, f orders.Filter) ([]orders.Order, error)
	OpenOrders(ctx context.Context, grid string) ([]orders.Order, error)
	HouseholdOrders(ctx context.Context, household string, limit int) ([]orders.Order, error)

	// Stock.
	StockLeft(ctx context.Context) (map[string]int, error)
	StockTotals(ctx context.Context) (map[string]int, error)

	// Households.
	HouseholdsUsers(ctx context.Context, households []string) (map[string][]string, error)
	MarksOf(ctx context.Context, households []string) (map[string][]orders.Mark, error)
	BindRequests(ctx context.Context, now time.Time) ([]orders.BindRequest, error)

	// People.
	Leads(ctx context.Context) ([]orders.Lead, error)
	Volunteers(ctx context.Context, grid string) ([]string, error)
	Applications(ctx context.Context) ([]orders.Application, error)
	People(ctx context.Context) (map[string]orders.Person, error)
	// Recent returns up to n of the latest senders, the latest first.
	Recent(ctx context.Context, n int) ([]orders.RecentSender, error)

	// Jobs and distributions.
	JobRuns(ctx context.Context, job string, n int) ([]orders.JobRun, error)
	LastJobRuns(ctx context.Context) (map[string]orders.JobRun, error)
	DistributionEntries(ctx context.Context, id string) (map[string]string, error)
}

// Notices is the outbox as the console shows it (outbox.Outbox).
type Notices interface {
	Pending(ctx context.Context) (int, error)
	Dead(ctx context.Context) ([]orders.Notice, error)
}
