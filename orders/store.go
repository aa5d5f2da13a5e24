package orders

import (
	"context"
	"time"
)

// Store keeps orders, bindings and stock. Implementations make every method
// atomic: a failed call leaves nothing half-written.
type Store interface {
	// PlaceOrder assigns o an ID and, in one atomic step, takes its
	// quantities from stock and from the household's daily limits, saves
	// it and queues it in its grid. When requestID was seen before it
	// changes nothing and returns the order placed then and false. When
	// any line cannot be served it writes nothing and returns a
	// *ShortageError wrapping ErrSoldOut or ErrLimit for the first such
	// line.
	PlaceOrder(ctx context.Context, o Order, requestID string) (Order, bool, error)

	// CancelOrder moves a pending order to cancelled and gives its stock
	// and limits back. It returns ErrNotFound for an unknown id and
	// ErrConflict (with the order as it is) when the order is no longer
	// pending.
	CancelOrder(ctx context.Context, id, by, note string, at time.Time) (Order, error)

	// Order returns one order, or ErrNotFound.
	Order(ctx context.Context, id string) (Order, error)

	// HouseholdOrders returns up to limit orders of a household, newest
	// first.
	HouseholdOrders(ctx context.Context, household string, limit int) ([]Order, error)

	// Orders returns orders that match f, newest first.
	Orders(ctx context.Context, f Filter) ([]Order, error)

	// Bind ties openid to a household, replacing any earlier binding.
	Bind(ctx context.Context, b Binding) error

	// Binding returns the household openid is bound to, or ErrNotFound.
	Binding(ctx context.Context, openid string) (Binding, error)

	// SetStock records the total allocated quantity of each limited SKU.
	// What is left moves by the change in the total, so restarting with
	// the same catalog changes nothing and raising a total by 100 adds 100.
	SetStock(ctx context.Context, totals map[string]int) error

	// StockLeft returns what is left of each limited SKU.
	StockLeft(ctx context.Context) (map[string]int, error)

	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
}
