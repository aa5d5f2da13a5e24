package adminapi

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
)

// Store is what the admin API reads (every change goes through the
// actions); orders/redisstore.Store implements it.
type Store interface {
	Ping(ctx context.Context) error
	DayClosed(ctx context.Context, day string) (bool, error)
	// MarkedAt returns when a key was first recorded (a pick list sent).
	MarkedAt(ctx context.Context, key string) (time.Time, bool, error)
	Orders(ctx context.Context, f orders.Filter) ([]orders.Order, error)
	OpenOrders(ctx context.Context, grid string) ([]orders.Order, error)
	// OrdersByID reads orders by id (an unknown id is left out).
	OrdersByID(ctx context.Context, ids []string) (map[string]orders.Order, error)
	Roster(ctx context.Context, grid string, slot time.Time) (orders.Roster, error)
	Leads(ctx context.Context) ([]orders.Lead, error)
	// People are the office's names and phones of people.
	People(ctx context.Context) (map[string]orders.Person, error)
	HouseholdMarks(ctx context.Context, household string) ([]orders.Mark, error)
	AllMarks(ctx context.Context) (map[string][]orders.Mark, error)
	DistributionEntries(ctx context.Context, id string) (map[string]string, error)
	// Stock and shortages (stock.go).
	StockLeft(ctx context.Context) (map[string]int, error)
	Refused(ctx context.Context, day string) (map[string]int, error)
	Waiting(ctx context.Context, skus []string) (map[string]int, error)
	// SaveRunRecord and RunRecord keep job runs started over the API (see
	// runs.go); RunRecord returns ErrNotFound for an unknown or expired id.
	SaveRunRecord(ctx context.Context, id string, data []byte, ttl time.Duration) error
	RunRecord(ctx context.Context, id string) ([]byte, error)
}
